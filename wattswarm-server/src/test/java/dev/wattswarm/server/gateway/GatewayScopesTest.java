package dev.wattswarm.server.gateway;

import static dev.wattswarm.server.gateway.GatewayNode.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.testkit.StepClock;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scoped and expiring gateway keys over real HTTP: each route and A2A method wants its scope (403
 * with the reason otherwise), an expired key is 401 with the reason, a key made without scopes
 * (as every key before scopes) may do everything, and the file still holds only hashes.
 */
@org.junit.jupiter.api.Timeout(300)
class GatewayScopesTest {
  static final String TASK = "{\"task_id\":\"%s\",\"task_type\":\"swarm\",\"inputs\":{\"prompt\":\"hello\"}}";
  static final String A2A_GET = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"GetTask\",\"params\":{\"id\":\"nope\"}}";
  static final String A2A_SEND = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"SendMessage\",\"params\":{\"message\":{\"role\":\"ROLE_USER\","
      + "\"messageId\":\"m1\",\"parts\":[{\"text\":\"hi\"}]},\"configuration\":{\"returnImmediately\":true}}}";
  @TempDir Path tmp;
  final StepClock clock = new StepClock(1_000_000);
  GatewayNode n;

  @BeforeEach
  void start() throws Exception {
    n = new GatewayNode(tmp.resolve("n"), GatewayLimits.DEFAULT, clock, true);
  }

  @AfterEach
  void stop() {
    if (n != null) n.close();
  }

  String key(String name, Duration ttl, Scope... scopes) {
    return n.keys.create(name, Scope.of(scopes), ttl, new SecureRandom(), clock);
  }

  static void refused(HttpResponse<String> r, int status, String code, String... says) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode e = json(r).path("error");
    assertThat(e.path("code").asText()).isEqualTo(code);
    assertThat(e.path("message").asText()).contains(says).doesNotContain("\n").doesNotContain("Exception");
  }

  @Test
  void eachRouteWantsItsScope() throws Exception {
    String read = key("dash", null, Scope.READ);
    String tasks = key("ci", null, Scope.TASKS_WRITE);
    String missions = key("shop", null, Scope.MISSIONS_WRITE, Scope.READ);
    String mission = "{\"task_id\":\"m-%s\",\"task_type\":\"swarm\",\"inputs\":{\"prompt\":\"p\"},\"reward\":10}";

    refused(n.post("/gateway/v1/tasks", read, TASK.formatted("r1")), 403, "forbidden", "'dash'", "tasks:write", "--scope tasks:write");
    refused(n.post("/gateway/v1/missions", read, mission.formatted("r")), 403, "forbidden", "missions:write");
    assertThat(n.get("/gateway/v1/tasks/nope", read).statusCode()).isEqualTo(404);
    assertThat(n.get("/gateway/v1/services", read).statusCode()).isEqualTo(200);

    assertThat(n.post("/gateway/v1/tasks", tasks, TASK.formatted("t1")).statusCode()).isEqualTo(201);
    refused(n.get("/gateway/v1/tasks/t1", tasks), 403, "forbidden", "read");
    refused(n.post("/gateway/v1/missions", tasks, mission.formatted("t")), 403, "forbidden", "missions:write");

    var posted = n.post("/gateway/v1/missions", missions, mission.formatted("s"));
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);
    assertThat(n.get("/gateway/v1/missions/m-s", missions).statusCode()).isEqualTo(200);
    refused(n.post("/gateway/v1/tasks", missions, TASK.formatted("s1")), 403, "forbidden", "tasks:write");
    // nothing a refused key asked for happened
    assertThat(n.taskState("r1")).isEmpty();
    assertThat(n.taskState("m-r")).isEmpty();
    assertThat(n.taskState("m-t")).isEmpty();

    // A2A: reading wants read, sending wants tasks:write
    var a2aRead = n.post(dev.wattswarm.server.a2a.A2aRpc.PATH, read, A2A_GET);
    assertThat(json(a2aRead).path("error").path("code").asInt()).as(a2aRead.body()).isEqualTo(-32001); // task not found: let in
    var a2aSend = n.post(dev.wattswarm.server.a2a.A2aRpc.PATH, read, A2A_SEND);
    assertThat(a2aSend.statusCode()).isEqualTo(403);
    assertThat(json(a2aSend).path("error").path("message").asText()).contains("tasks:write");
    assertThat(n.post(dev.wattswarm.server.a2a.A2aRpc.PATH, tasks, A2A_SEND).statusCode()).isEqualTo(200);
    assertThat(n.post(dev.wattswarm.server.a2a.A2aRpc.PATH, tasks, A2A_GET).statusCode()).isEqualTo(403);
  }

  @Test
  void anExpiredKeyIs401WithTheReason() throws Exception {
    String k = key("short", Duration.ofHours(1));
    assertThat(n.get("/gateway/v1/tasks/nope", k).statusCode()).isEqualTo(404);
    clock.advance(Duration.ofHours(1).toMillis() - 1);
    assertThat(n.get("/gateway/v1/tasks/nope", k).statusCode()).isEqualTo(404);
    clock.advance(1);
    refused(n.get("/gateway/v1/tasks/nope", k), 401, "key_expired", "'short'", "expired");
    refused(n.post("/gateway/v1/tasks", k, TASK.formatted("late")), 401, "key_expired", "expired");
    assertThat(n.post(dev.wattswarm.server.a2a.A2aRpc.PATH, k, A2A_GET).statusCode()).isEqualTo(401);
    assertThat(n.taskState("late")).isEmpty();
  }

  @Test
  void keysAreStoredHashedWithScopesAndExpiryAndOldKeysMayDoEverything() throws Exception {
    String scoped = key("dash", Duration.ofDays(30), Scope.READ);
    String plain = n.newKey("legacy");
    String stored = Files.readString(tmp.resolve("n").resolve(GatewayKeys.FILE));
    assertThat(stored).doesNotContain(scoped).doesNotContain(plain).contains("\"read\"").contains("expires_at_ms");
    var legacy = n.keys.verify(plain).orElseThrow();
    assertThat(legacy.scopes()).isEqualTo(Set.of(Scope.values()));
    assertThat(legacy.expiresAtMs()).isZero();
    assertThat(n.keys.verify(scoped).orElseThrow().expiresAtMs()).isEqualTo(1_000_000 + Duration.ofDays(30).toMillis());
    assertThat(n.post("/gateway/v1/tasks", plain, TASK.formatted("p1")).statusCode()).isEqualTo(201);

    // a file naming a scope this node does not know is not half-trusted: nobody gets in
    Files.writeString(tmp.resolve("n").resolve(GatewayKeys.FILE), stored.replace("\"read\"", "\"root:everything\""));
    assertThat(n.get("/gateway/v1/tasks/p1", plain).statusCode()).isEqualTo(401);
  }

  @Test
  void badScopesAndDurationsAreRefusedWhenMade() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Scope.parse("admin")).hasMessageContaining("tasks:write, missions:write, read");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> key("zero", Duration.ZERO)).hasMessageContaining("longer than 0");
    assertThat(n.keys.list()).isEmpty();
  }
  int upgrade(String key) {
    try {
      var ws = n.http.newWebSocketBuilder().header("Authorization", "Bearer " + key)
          .buildAsync(java.net.URI.create(n.listener.url().replace("http", "ws") + "/gateway/v1/ws"), new java.net.http.WebSocket.Listener() {})
          .join();
      ws.abort();
      return 101;
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof java.net.http.WebSocketHandshakeException h) return h.getResponse().statusCode();
      throw e;
    }
  }

  @Test
  void theWebSocketWantsRead() {
    assertThat(upgrade(key("reader", null, Scope.READ))).isEqualTo(101);
    assertThat(upgrade(key("writer", null, Scope.TASKS_WRITE))).isEqualTo(403);
    String late = key("late", Duration.ofMinutes(5), Scope.READ);
    clock.advance(Duration.ofMinutes(5).toMillis());
    assertThat(upgrade(late)).isEqualTo(401);
  }
}
