package dev.wattswarm.server.gateway;

import static dev.wattswarm.server.gateway.GatewayNode.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's HTTP routes over real sockets: keys, tasks, bad input, limits, the economy's placeholder. */
class GatewayApiTest {
  static final String TASK = "{\"task_id\":\"%s\",\"task_type\":\"swarm\",\"inputs\":{\"prompt\":\"hello\"}}";
  @TempDir Path tmp;
  GatewayNode n;
  String key;

  @BeforeEach
  void start() throws Exception {
    // a fixed clock: the per-key bucket never refills, so the burst is exactly what a key gets
    n = new GatewayNode(tmp.resolve("n"), new GatewayLimits(1, 12, 2048, 4, 64, 10_000, 2, 5_000),
        Clock.fixed(Instant.ofEpochMilli(1_000_000), ZoneOffset.UTC));
    key = n.newKey("test");
  }

  @AfterEach
  void stop() {
    if (n != null) n.close();
  }

  static void assertError(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    JsonNode e = json(r).path("error");
    assertThat(e.path("code").asText()).isEqualTo(code);
    assertThat(e.path("message").asText()).isNotBlank().doesNotContain("\n").doesNotContain("Exception");
  }

  @Test
  void aTaskGoesInWithAKeyAndItsStateComesOut() throws Exception {
    var r = n.post("/gateway/v1/tasks", key, TASK.formatted("gw-a"));
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(json(r).path("task_id").asText()).isEqualTo("gw-a");
    assertThat(r.headers().firstValue("Location")).contains("/gateway/v1/tasks/gw-a");
    assertThat(n.post("/gateway/v1/tasks", key, TASK.formatted("gw-a")).statusCode()).isEqualTo(200); // idempotent
    await().atMost(Duration.ofSeconds(60)).until(() -> n.taskState("gw-a").equals("finalized"));
    var got = n.get("/gateway/v1/tasks/gw-a", key);
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(json(got).path("state").asText()).isEqualTo("finalized");
  }

  @Test
  void withoutAValidKeyEveryRouteIs401() throws Exception {
    for (String auth : new String[] {null, "nope", "wsgk_forged", key + "x"}) {
      assertError(n.post("/gateway/v1/tasks", auth, TASK.formatted("x")), 401, "unauthorized");
      assertError(n.get("/gateway/v1/tasks/x", auth), 401, "unauthorized");
      assertError(n.get("/gateway/v1/services?capability=maps", auth), 401, "unauthorized");
    }
    var basic = n.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(n.listener.url() + "/gateway/v1/tasks/x"))
        .header("Authorization", "Basic " + key).build(), HttpResponse.BodyHandlers.ofString());
    assertError(basic, 401, "unauthorized");
    assertThat(n.taskState("x")).isEmpty();
  }

  @Test
  void aRevokedKeyStopsWorkingAtOnce() throws Exception {
    assertThat(n.get("/gateway/v1/tasks/none", key).statusCode()).isEqualTo(404);
    assertThat(n.keys.revoke("test")).isTrue();
    assertError(n.get("/gateway/v1/tasks/none", key), 401, "unauthorized");
  }

  @Test
  void malformedBodiesGetA4xxWithTheReason() throws Exception {
    assertError(n.post("/gateway/v1/tasks", key, "{\"task_id\":"), 400, "bad_request");
    assertError(n.post("/gateway/v1/tasks", key, "[1,2]"), 400, "bad_request");
    assertError(n.post("/gateway/v1/tasks", key, ""), 400, "bad_request");
    assertError(n.post("/gateway/v1/tasks", key, "{\"task_id\":\"ok\"}"), 400, "invalid_task");
    assertError(n.post("/gateway/v1/tasks", key, "{\"task_id\":\"bad id!\",\"task_type\":\"swarm\",\"inputs\":{\"prompt\":\"x\"}}"), 400, "invalid_task");
    assertError(n.post("/gateway/v1/tasks", key, "{\"pad\":\"" + "x".repeat(4000) + "\"}"), 413, "too_large");
    assertError(n.get("/gateway/v1/tasks/unknown-task", key), 404, "not_found");
    assertError(n.get("/gateway/v1/services?capability=NOT%20OK", key), 400, "bad_request");
  }

  @Test
  void missionsAndServicesSayTheEconomyIsNotHereYet() throws Exception {
    assertError(n.post("/gateway/v1/missions", key, "{\"title\":\"m\"}"), 501, "not_implemented");
    assertError(n.get("/gateway/v1/missions/m1", key), 501, "not_implemented");
    assertError(n.get("/gateway/v1/services?capability=maps", key), 501, "not_implemented");
  }

  @Test
  void eachKeyHasItsOwnBoundedRate() throws Exception {
    String other = n.newKey("other");
    int ok = 0;
    HttpResponse<String> last = null;
    for (int i = 0; i < 20; i++) {
      last = n.get("/gateway/v1/tasks/none", key);
      if (last.statusCode() == 404) ok++;
      else break;
    }
    assertThat(ok).isEqualTo(12);
    assertError(last, 429, "rate_limited");
    assertThat(n.get("/gateway/v1/tasks/none", other).statusCode()).isEqualTo(404); // another key is not held back
  }
}
