package dev.wattswarm.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real {@code nats-server -js} for tests (Debian's package), on a free loopback port with its
 * own JetStream store. It can be stopped and started again on the same port and store (a NATS
 * restart), killed, or run as one of three cluster members with routes on loopback.
 */
public final class NatsServer implements AutoCloseable {
  private final Path bin;
  private final Path dir;
  private final int port;
  private final List<String> extra;
  private Process process;

  private NatsServer(Path bin, Path dir, int port, List<String> extra) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.extra = extra;
  }

  /** The nats-server binary, or null when it is not installed. */
  public static Path binary() {
    for (String p : List.of("/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server")) {
      if (Files.isExecutable(Path.of(p))) return Path.of(p);
    }
    return null;
  }

  private static Path requireBinary() {
    Path b = binary();
    if (b == null) throw new IllegalStateException("no nats-server binary: apt-get install nats-server (.ci/run does)");
    return b;
  }

  /** A single server with JetStream, started. */
  public static NatsServer start() {
    NatsServer s = new NatsServer(requireBinary(), tempDir(), freePort(), List.of());
    s.startAgain();
    return s;
  }

  /** Three servers in one cluster (routes on loopback), JetStream clustered, all started. */
  public static List<NatsServer> cluster3() {
    Path b = requireBinary();
    int[] client = {freePort(), freePort(), freePort()};
    int[] route = {freePort(), freePort(), freePort()};
    String routes = "nats://127.0.0.1:" + route[0] + ",nats://127.0.0.1:" + route[1] + ",nats://127.0.0.1:" + route[2];
    List<NatsServer> out = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int monitor = freePort();
      NatsServer n = new NatsServer(b, tempDir(), client[i], List.of("--name", "ws-n" + i, "--cluster_name", "ws-test",
          "--cluster", "nats://127.0.0.1:" + route[i], "--routes", routes, "-m", Integer.toString(monitor)));
      n.monitorPort = monitor;
      out.add(n);
    }
    for (NatsServer s : out) s.startAgain();
    awaitMetaLeader(out.get(0));
    return out;
  }

  /**
   * Accepting connections is not enough in a cluster: JetStream answers only once the servers have
   * elected a meta leader, which takes longer on a loaded machine. Waits for it through the
   * monitoring endpoint, so tests do not see "no response from JetStream".
   */
  private static void awaitMetaLeader(NatsServer s) {
    var http = java.net.http.HttpClient.newHttpClient();
    var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + s.monitorPort + "/jsz")).build();
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        String body = http.send(req, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        if (body.matches("(?s).*\"meta_cluster\"\\s*:\\s*\\{[^}]*\"leader\"\\s*:\\s*\"[^\"]+\".*")) return;
      } catch (IOException notYet) {
        // the endpoint is not up yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for the NATS cluster", e);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for the NATS cluster", e);
      }
    }
    throw new IllegalStateException("the NATS cluster elected no JetStream meta leader within 120 s: " + s.log());
  }

  private int monitorPort;

  public String url() {
    return "nats://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Starts (again) on the same port and store; returns once it accepts connections. */
  public synchronized void startAgain() {
    if (process != null && process.isAlive()) return;
    List<String> cmd = new ArrayList<>(List.of(bin.toString(), "-js", "-a", "127.0.0.1", "-p", Integer.toString(port),
        "-sd", dir.resolve("js").toString()));
    cmd.addAll(extra);
    try {
      process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log").toFile()))
          .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start nats-server: " + e.getMessage(), e);
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new IllegalStateException("nats-server exited: " + log());
      try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(20); // polling a process coming up, not timing a test
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    throw new IllegalStateException("nats-server did not listen on " + port + " in 30 s: " + log());
  }

  /** A clean stop (SIGTERM), waiting for the process to end. */
  public synchronized void stop() {
    end(false);
  }

  /** SIGKILL. */
  public synchronized void kill() {
    end(true);
  }

  private void end(boolean hard) {
    if (process == null) return;
    if (hard) process.destroyForcibly();
    else process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  public String log() {
    try {
      String s = Files.readString(dir.resolve("log"));
      return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
    } catch (IOException e) {
      return "(no log)";
    }
  }

  @Override
  public void close() {
    kill();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // temp dir
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("ws-nats-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
