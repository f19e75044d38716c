package dev.wattswarm.server.a2a;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.server.gateway.GatewayLimits;
import dev.wattswarm.server.gateway.GatewayNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CancelTask on a task that is really running, from the official client (@a2a-js/sdk 1.3.0): the
 * executor holds the task until the test releases it, the client cancels it, A2A says canceled,
 * the swarm task is cancelled on the node, and a result that arrives afterwards changes nothing.
 */
@org.junit.jupiter.api.Timeout(300)
class A2aCancelTest {
  @TempDir Path tmp;
  GatewayNode n;
  final HeldExecutor held = new HeldExecutor();

  @BeforeEach
  void start() throws Exception {
    n = new GatewayNode(tmp.resolve("n"), GatewayLimits.DEFAULT, Clock.systemUTC(), false, List.of(held));
  }

  @AfterEach
  void stop() {
    held.release();
    if (n != null) n.close();
  }

  @Test
  void theOfficialClientCancelsARunningTask() throws Exception {
    Path dir = dev.wattswarm.testkit.NpmClients.ensure("@a2a-js/sdk");
    Path log = tmp.resolve("a2a-cancel.log");
    Process p = new ProcessBuilder("node", "a2a-cancel.mjs", n.listener.url(), n.newKey("a2a"), HeldExecutor.CAPABILITY)
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the A2A client did not finish: " + Files.readString(log));
    }
    String output = Files.readString(log);
    assertThat(p.exitValue()).as(output).isZero();
    JsonNode out = CanonicalJson.parse(output.strip().lines().reduce((a, b) -> b).orElse(""));
    // the executor was running it when the client cancelled (it is still held: nothing could end it)
    assertThat(held.started.getCount()).isZero();
    assertThat(out.path("before").asInt()).as(output).isEqualTo(2); // TASK_STATE_WORKING
    assertThat(out.path("cancel").path("state").asInt()).as(output).isEqualTo(5); // TASK_STATE_CANCELED
    assertThat(out.path("cancel").path("text").asText()).contains("cancelled");
    assertThat(out.path("after").asInt()).isEqualTo(5);
    assertThat(out.path("again").asText()).contains("TaskNotCancelable");
    String id = out.path("id").asText();
    assertThat(n.taskState(id)).isEqualTo("cancelled");

    // the executor's late result is not a way back: after the executor has run a second task,
    // the first is still cancelled
    held.release();
    n.host.tasks().service().submit(CanonicalJson.parse(
        "{\"task_id\":\"after-cancel\",\"task_type\":\"swarm\",\"capability\":\"held\",\"inputs\":{\"prompt\":\"next\"}}"));
    await().atMost(Duration.ofSeconds(60)).until(() -> n.taskState("after-cancel").equals("finalized"));
    assertThat(n.taskState(id)).isEqualTo("cancelled");
  }
}
