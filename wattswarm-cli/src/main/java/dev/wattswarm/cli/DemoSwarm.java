package dev.wattswarm.cli;

import dev.wattswarm.node.network.Contact;
import dev.wattswarm.node.network.StartupConfig;
import dev.wattswarm.node.state.RuntimeInfo;
import dev.wattswarm.node.state.StateDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The demo's swarm: real {@code node up} processes on loopback, each with its own state dir, the
 * first founding the network and the others joining through its contact, exactly as the README's
 * "Connecting nodes" does by hand. Closing it stops every process and, when the demo made the
 * directory, deletes it.
 */
final class DemoSwarm implements AutoCloseable {
  /** One node process: its name in the demo, state dir, what it runs, and once up, its runtime.json. */
  static final class Member {
    final String name;
    final Path dir;
    final String executorsJson;
    final List<String> args;
    Process process;
    RuntimeInfo rt;

    Member(String name, Path dir, String executorsJson, List<String> args) {
      this.name = name;
      this.dir = dir;
      this.executorsJson = executorsJson;
      this.args = args;
    }

    ControlClient client() {
      return ControlClient.forStateDir(new StateDir(dir));
    }

    Path log() {
      return dir.resolveSibling(name + ".log");
    }

    String tail() {
      try {
        List<String> lines = Files.readAllLines(log());
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
      } catch (IOException e) {
        return "(no log)";
      }
    }
  }

  private final Path root;
  private final boolean ownsRoot;
  private final List<Member> members = new ArrayList<>();

  DemoSwarm(Path root, boolean ownsRoot) {
    this.root = root;
    this.ownsRoot = ownsRoot;
  }

  Path root() {
    return root;
  }

  List<Member> members() {
    return members;
  }

  Member add(String name, String executorsJson, String... args) throws IOException {
    Member m = new Member(name, root.resolve(name), executorsJson, List.of(args));
    Files.createDirectories(m.dir);
    Files.writeString(m.dir.resolve("executors.json"), executorsJson);
    members.add(m);
    return m;
  }

  /** Starts the first member as the genesis, waits for it, then starts the rest joined to it, in parallel. */
  void start(long timeoutMs) throws Exception {
    Member genesis = members.get(0);
    launch(genesis, List.of("--mode", "network"));
    awaitReady(genesis, timeoutMs);
    Contact contact = Contact.parse(genesis.rt.nodeId() + "@" + genesis.rt.p2pAddr());
    for (Member m : members.subList(1, members.size())) {
      StateDir d = new StateDir(m.dir);
      d.ensureWritable();
      StartupConfig.read(d).withContact(contact).write(d);
      launch(m, List.of());
    }
    for (Member m : members.subList(1, members.size())) awaitReady(m, timeoutMs);
  }

  private void launch(Member m, List<String> modeArgs) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "--enable-native-access=ALL-UNNAMED",
        // small, short-lived JVMs: start fast rather than peak
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--state-dir", m.dir.toString(), "node", "up"));
    cmd.addAll(modeArgs);
    cmd.addAll(m.args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(m.log().toFile());
    Map<String, String> env = pb.environment();
    // loopback only, free ports: the demo never clashes with a node the user runs
    env.put("WATTSWARM_P2P_LISTEN_ADDRS", "127.0.0.1:0");
    env.put("WATTSWARM_CONTROL_PORT", "0");
    env.put("WATTSWARM_PUBLIC_HTTP_ADDR", "127.0.0.1:0");
    env.put("WATTSWARM_AGENT_HEARTBEAT_MS", "1000");
    env.remove("WATTSWARM_NODE_MODE");
    env.remove("WATTSWARM_STORAGE_BACKEND");
    env.remove("WATTSWARM_SUBSTRATE");
    m.process = pb.start();
  }

  private static void awaitReady(Member m, long timeoutMs) throws InterruptedException {
    StateDir d = new StateDir(m.dir);
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      if (!m.process.isAlive()) {
        throw new CliException(CliException.FAILED, "demo node " + m.name + " exited while starting: " + m.tail());
      }
      var rt = d.runtime().filter(r -> r.pid() == m.process.pid());
      if (rt.isPresent()) {
        m.rt = rt.get();
        return;
      }
      Thread.sleep(50);
    }
    throw new CliException(CliException.FAILED, "demo node " + m.name + " was not ready within " + timeoutMs + " ms: " + m.tail());
  }

  static String javaBin() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /** Which demo node a node id is, for printing. */
  String nameOf(String nodeId) {
    for (Member m : members) if (m.rt != null && m.rt.nodeId().equals(nodeId)) return m.name;
    return Output.shortId(nodeId);
  }

  /** SIGTERM to every node, a short wait, then kill; the directory goes too when the demo made it. */
  @Override
  public void close() {
    for (Member m : members) if (m.process != null) m.process.destroy();
    for (Member m : members) {
      if (m.process == null) continue;
      try {
        if (!m.process.waitFor(8, TimeUnit.SECONDS)) {
          m.process.destroyForcibly();
          m.process.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        m.process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    if (ownsRoot) deleteTree(root);
  }

  static void deleteTree(Path p) {
    if (!Files.exists(p)) return;
    try (Stream<Path> walk = Files.walk(p)) {
      walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // best effort: a leftover temp dir is reported by nothing worse than its presence
    }
  }
}
