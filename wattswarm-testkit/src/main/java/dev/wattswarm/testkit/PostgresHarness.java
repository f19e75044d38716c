package dev.wattswarm.testkit;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL for tests: WATTSWARM_TEST_PG_URL when set, otherwise a throwaway cluster from
 * Debian's PostgreSQL binaries (initdb into a temp dir, bound to 127.0.0.1 on a free port, fsync
 * off, removed at JVM exit). One cluster per test JVM; tests isolate themselves with a fresh
 * schema each ({@link #freshSchema}).
 */
public final class PostgresHarness {
  private static PostgresHarness shared;

  private final String url;
  private final String user;

  private PostgresHarness(String url, String user) {
    this.url = url;
    this.user = user;
  }

  public static synchronized PostgresHarness get() {
    if (shared == null) {
      String env = System.getenv("WATTSWARM_TEST_PG_URL");
      shared = env != null && !env.isBlank() ? new PostgresHarness(env, System.getenv("WATTSWARM_TEST_PG_USER"))
          : startLocal();
    }
    return shared;
  }

  public String url() {
    return url;
  }

  /** User to connect as, or null when the URL carries it. */
  public String user() {
    return user;
  }

  private static int counter;

  /** A schema name no other test in this cluster has used. */
  public static synchronized String freshSchema(String prefix) {
    return (prefix + "_" + ProcessHandle.current().pid() + "_" + (++counter)).toLowerCase();
  }

  static Path binDir() {
    Path root = Path.of("/usr/lib/postgresql");
    try (Stream<Path> s = Files.list(root)) {
      return s.map(p -> p.resolve("bin"))
          .filter(p -> Files.isExecutable(p.resolve("initdb")))
          .max(Comparator.comparing(Path::toString))
          .orElseThrow();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("no PostgreSQL server binaries under /usr/lib/postgresql:"
          + " apt-get install postgresql, or set WATTSWARM_TEST_PG_URL to a database to use", e);
    }
  }

  private static PostgresHarness startLocal() {
    Path bin = binDir();
    boolean root = "root".equals(System.getProperty("user.name"));
    try {
      Path dir = Files.createTempDirectory("ws-pg-");
      Path data = dir.resolve("data");
      if (root) {
        // initdb refuses to run as root, so the cluster belongs to Debian's postgres user.
        UserPrincipal pg = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
        Files.setOwner(dir, pg);
      }
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
        port = s.getLocalPort();
      }
      run(root, dir, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
          "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C");
      run(root, dir, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("log").toString(),
          "-w", "-t", "60", "-o", "-p " + port + " -h 127.0.0.1 -k " + dir + " -F -c max_connections=200", "start");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          run(root, dir, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop");
        } catch (RuntimeException ignored) {
          // best effort at exit
        }
        deleteTree(dir);
      }));
      return new PostgresHarness("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres");
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a throwaway PostgreSQL: " + e.getMessage(), e);
    }
  }

  private static void run(boolean asPostgres, Path dir, String... cmd) {
    List<String> full = new ArrayList<>();
    if (asPostgres) full.addAll(List.of("runuser", "-u", "postgres", "--"));
    full.addAll(List.of(cmd));
    try {
      Process p = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("cmd.out").toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", full) + " did not finish in 120 s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", full) + " failed (exit " + p.exitValue() + "): "
            + Files.readString(dir.resolve("cmd.out")));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + full.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // temp dir; the OS cleans it eventually
    }
  }
}
