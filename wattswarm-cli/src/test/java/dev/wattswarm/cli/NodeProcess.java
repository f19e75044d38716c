package dev.wattswarm.cli;

import dev.wattswarm.node.state.RuntimeInfo;
import dev.wattswarm.node.state.StateDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/** A real `wattswarm node up` in its own JVM, as a user would run it. */
final class NodeProcess implements AutoCloseable {
  final Path stateDir;
  final Process process;
  final Path log;

  private NodeProcess(Path stateDir, Process process, Path log) {
    this.stateDir = stateDir;
    this.process = process;
    this.log = log;
  }

  static NodeProcess start(Path stateDir, Map<String, String> env, String... extra) throws IOException {
    Files.createDirectories(stateDir.getParent());
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "--enable-native-access=ALL-UNNAMED", "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "--state-dir", stateDir.toString(),
        "node", "up", "--control-port", "0"));
    cmd.addAll(List.of(extra));
    Path log = stateDir.resolveSibling(stateDir.getFileName() + "-" + System.nanoTime() + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    // test nodes keep their public listener on loopback, off the well-known port
    pb.environment().put("WATTSWARM_PUBLIC_HTTP_ADDR", "127.0.0.1:0");
    pb.environment().putAll(env);
    return new NodeProcess(stateDir, pb.start(), log);
  }

  static String javaBin() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  RuntimeInfo awaitReady() {
    StateDir dir = new StateDir(stateDir);
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
      if (!process.isAlive()) throw new AssertionError("node exited " + process.exitValue() + ": " + output());
      // a kill -9'd predecessor leaves its runtime.json behind: wait for ours
      return dir.runtime().map(r -> r.pid() == process.pid()).orElse(false);
    });
    return dir.runtime().orElseThrow();
  }

  String output() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
