package dev.wattswarm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.state.StateDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `node up` as separate processes: readiness, lock, status, SIGTERM, kill -9, restart identity. */
@org.junit.jupiter.api.Timeout(600)
class NodeLifecycleTest {
  @TempDir Path tmp;

  @Test
  void upStatusSecondUpRefusedCleanStopAndStableIdentity() throws Exception {
    Path sd = tmp.resolve("a");
    String nodeId;
    try (NodeProcess node = NodeProcess.start(sd, Map.of())) {
      var rt = node.awaitReady();
      nodeId = rt.nodeId();
      assertThat(rt.networkId()).isEqualTo("local:" + nodeId);

      Cli status = Cli.run("--state-dir", sd.toString(), "node", "status", "--json");
      assertThat(status.exit()).as(status.err()).isZero();
      assertThat(CanonicalJson.parse(status.out()).path("node_id").asText()).isEqualTo(nodeId);

      try (NodeProcess second = NodeProcess.start(sd, Map.of())) {
        assertThat(second.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(second.process.exitValue()).isEqualTo(1);
        assertThat(second.output()).contains("another node is already running");
      }
      assertThat(Cli.run("--state-dir", sd.toString(), "node", "status").exit()).isZero();

      node.process.destroy(); // SIGTERM
      // that it stops cleanly is the point; how fast is not asserted (a loaded machine can take seconds)
      assertThat(node.process.waitFor(60, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
      assertThat(new StateDir(sd).runtime()).isEmpty();
    }
    Cli down = Cli.run("--state-dir", sd.toString(), "node", "status");
    assertThat(down.exit()).isEqualTo(3);
    assertThat(down.err()).contains("no node is running");

    Cli verify = Cli.run("--state-dir", sd.toString(), "log", "verify", "--json");
    assertThat(verify.exit()).as(verify.err()).isZero();
    assertThat(CanonicalJson.parse(verify.out()).path("ok").asBoolean()).isTrue();

    try (NodeProcess again = NodeProcess.start(sd, Map.of())) {
      assertThat(again.awaitReady().nodeId()).isEqualTo(nodeId);
      Cli stop = Cli.run("--state-dir", sd.toString(), "node", "down");
      assertThat(stop.exit()).as(stop.err()).isZero();
      assertThat(again.process.isAlive()).isFalse();
    }
  }

  @Test
  void afterKillMinus9TheDirIsUsableAndTheLogIntact() throws Exception {
    Path sd = tmp.resolve("k");
    try (NodeProcess node = NodeProcess.start(sd, Map.of())) {
      node.awaitReady();
      node.process.destroyForcibly();
      node.process.waitFor();
    }
    Cli status = Cli.run("--state-dir", sd.toString(), "node", "status");
    assertThat(status.exit()).isEqualTo(3);
    assertThat(status.err()).contains("did not shut down cleanly");
    try (NodeProcess node = NodeProcess.start(sd, Map.of())) {
      node.awaitReady();
      Cli verify = Cli.run("--state-dir", sd.toString(), "log", "verify");
      assertThat(verify.exit()).as(verify.err()).isZero();
      assertThat(verify.out()).contains("log ok");
      Cli replay = Cli.run("--state-dir", sd.toString(), "log", "replay", "--json");
      assertThat(CanonicalJson.parse(replay.out()).path("identical").asBoolean()).isTrue();
    }
  }

  @Test
  void aCorruptKeyStopsTheNodeWithAClearErrorAndKeepsTheFile() throws Exception {
    Path sd = tmp.resolve("c");
    Files.createDirectories(sd);
    Files.writeString(sd.resolve("node.key"), "not a key");
    try (NodeProcess node = NodeProcess.start(sd, Map.of())) {
      assertThat(node.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(node.process.exitValue()).isEqualTo(1);
      assertThat(node.output()).contains("corrupt").contains("node.key");
    }
    assertThat(Files.readString(sd.resolve("node.key"))).isEqualTo("not a key");
  }

  @Test
  void aForeignDatabaseFileIsRefused() throws Exception {
    Path sd = tmp.resolve("f");
    Files.createDirectories(sd);
    Files.write(sd.resolve("wattswarm.db"), "this is not a database at all, just some bytes".repeat(100).getBytes());
    try (NodeProcess node = NodeProcess.start(sd, Map.of())) {
      assertThat(node.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(node.process.exitValue()).isEqualTo(1);
      assertThat(node.output()).contains("wattswarm.db");
    }
  }

  @Test
  void badConfigurationIsNamed() throws Exception {
    Path sd = tmp.resolve("e");
    try (NodeProcess node = NodeProcess.start(sd, Map.of("WATTSWARM_STORAGE_BACKEND", "mongo"))) {
      assertThat(node.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(node.process.exitValue()).isEqualTo(2);
      assertThat(node.output()).contains("WATTSWARM_STORAGE_BACKEND");
    }
    Cli badMode = Cli.run("--state-dir", sd.toString(), "node", "up", "--mode", "galaxy");
    assertThat(badMode.exit()).isEqualTo(2); // bad input, as the README documents
    assertThat(badMode.err()).contains("local, lan, network, wan");
  }

  @Test
  void everyCommandHasHelp() {
    for (String[] cmd : new String[][] {{"--help"}, {"node", "--help"}, {"node", "up", "--help"}, {"node", "status", "--help"},
        {"node", "down", "--help"}, {"log", "head", "--help"}, {"log", "verify", "--help"}, {"log", "replay", "--help"},
        {"events", "tail", "--help"}}) {
      Cli c = Cli.run(cmd);
      assertThat(c.exit()).as(String.join(" ", cmd)).isZero();
      assertThat(c.out()).contains("Usage:");
    }
    Cli unknown = Cli.run("frobnicate");
    assertThat(unknown.exit()).isEqualTo(2);
  }
}
