package dev.wattswarm.server.a2a;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.server.gateway.GatewayLimits;
import dev.wattswarm.server.gateway.GatewayNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A2A driven by the official TypeScript client, @a2a-js/sdk 1.3.0 from npm (test-clients/,
 * installed by `npm ci`): card, blocking send, streamed send, get, and the errors it maps.
 */
@org.junit.jupiter.api.Timeout(300)
class A2aClientTest {
  static final Path CLIENTS = dev.wattswarm.testkit.NpmClients.dir();
  @TempDir Path tmp;
  GatewayNode n;

  @BeforeEach
  void start() throws Exception {
    n = new GatewayNode(tmp.resolve("n"), GatewayLimits.DEFAULT, Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    if (n != null) n.close();
  }

  record Run(int exit, String output) {}

  Run client(String key) throws Exception {
    dev.wattswarm.testkit.NpmClients.ensure("@a2a-js/sdk");
    List<String> cmd = new ArrayList<>(List.of("node", "a2a-check.mjs", n.listener.url(), key));
    Path log = tmp.resolve("a2a-" + System.nanoTime() + ".log");
    Process p = new ProcessBuilder(cmd).directory(CLIENTS.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the A2A client did not finish: " + Files.readString(log));
    }
    return new Run(p.exitValue(), Files.readString(log));
  }

  @Test
  void theOfficialClientCompletesTasksAndStreamsTheirUpdates() throws Exception {
    Run r = client(n.newKey("a2a"));
    assertThat(r.exit).as(r.output).isZero();
    String last = r.output.strip().lines().reduce((a, b) -> b).orElse("");
    JsonNode out = CanonicalJson.parse(last);
    assertThat(out.path("card").path("skills").toString()).contains("swarm", "echo", "maps");
    assertThat(out.path("card").path("streaming").asBoolean()).isTrue();
    // 3 = TASK_STATE_COMPLETED in the SDK's enum
    assertThat(out.path("send").path("state").asInt()).isEqualTo(3);
    assertThat(out.path("send").path("contextId").asText()).isEqualTo("ctx-check");
    String id = out.path("send").path("id").asText();
    assertThat(n.taskState(id)).isEqualTo("finalized");
    assertThat(out.path("send").path("artifactText").asText()).isNotEmpty();
    List<String> stream = new ArrayList<>();
    out.path("stream").forEach(e -> stream.add(e.asText()));
    assertThat(stream.get(0)).isEqualTo("task");
    assertThat(stream).contains("artifact").last().isEqualTo("status:3");
    assertThat(stream.indexOf("artifact")).isLessThan(stream.indexOf("status:3"));
    assertThat(out.path("streamGet").path("state").asInt()).isEqualTo(3);
    assertThat(out.path("streamGet").path("artifacts").asInt()).isEqualTo(1);
    assertThat(out.path("cancelEnded").asText()).contains("TaskNotCancelable");
    assertThat(out.path("getUnknown").asText()).contains("TaskNotFound");
  }

  @Test
  void theOfficialClientIsRefusedWithAWrongKey() throws Exception {
    n.newKey("real");
    Run r = client("wsgk_not-a-key");
    assertThat(r.exit).isNotZero();
    assertThat(r.output).contains("gateway key is not valid");
  }
}
