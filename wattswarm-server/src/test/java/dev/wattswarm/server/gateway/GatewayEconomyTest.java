package dev.wattswarm.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Missions and services through the gateway, wired to the node's real economy (a local node is its own genesis). */
class GatewayEconomyTest {
  static final String MISSION = "{\"task_id\":\"%s\",\"task_type\":\"swarm\",\"inputs\":{\"prompt\":\"hello\"},\"reward\":%s}";
  @TempDir Path tmp;
  GatewayNode n;
  String key;

  @BeforeEach
  void start() throws Exception {
    n = new GatewayNode(tmp.resolve("n"), new GatewayLimits(1000, 1000, 4096, 8, 64, 10_000, 2, 5_000), Clock.systemUTC(), true);
    key = n.newKey("eco");
  }

  @AfterEach
  void stop() {
    if (n != null) n.close();
  }

  @Test
  void aMissionPostedThroughTheGatewayIsEscrowedRunsAndIsPushedUntilSettled() throws Exception {
    GatewaySocketTest.Inbox in = new GatewaySocketTest.Inbox();
    WebSocket ws = n.http.newWebSocketBuilder().header("Authorization", "Bearer " + key)
        .buildAsync(java.net.URI.create(n.listener.url().replace("http://", "ws://") + "/gateway/v1/ws"), in).join();
    ws.sendText("{\"op\":\"subscribe\",\"topic\":\"mission:gm-1\"}", true).join();
    await().atMost(Duration.ofSeconds(10)).until(() -> in.states("mission:gm-1").contains("unknown"));

    var posted = n.post("/gateway/v1/missions", key, MISSION.formatted("gm-1", "10"));
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);
    assertThat(GatewayNode.json(posted).path("reward").asLong()).isEqualTo(10);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(in.states("mission:gm-1"))
        .as("pushed; now %s", n.get("/gateway/v1/missions/gm-1", key).body()).contains("settled"));

    JsonNode shown = GatewayNode.json(n.get("/gateway/v1/missions/gm-1", key));
    assertThat(shown.path("state").asText()).isEqualTo("settled");
    assertThat(shown.path("winner").asText()).isNotEmpty();
    // the ledger the gateway moved is the node's own: supply is still whole
    assertThat(n.host.economy().wallet().reader().supply().path("conserved").asBoolean()).isTrue();
  }

  @Test
  void refusalsAreTheEconomysOwnAndNothingMoves() throws Exception {
    long before = n.host.economy().wallet().reader().supply().path("sum_of_balances").asLong();
    var overspend = n.post("/gateway/v1/missions", key, MISSION.formatted("gm-big", "4503599627370496"));
    assertThat(overspend.statusCode()).as(overspend.body()).isIn(400, 402);
    var badReward = n.post("/gateway/v1/missions", key, MISSION.formatted("gm-neg", "-5"));
    assertThat(badReward.statusCode()).as(badReward.body()).isEqualTo(400);
    assertThat(n.get("/gateway/v1/missions/nope", key).statusCode()).isEqualTo(404);
    var services = n.get("/gateway/v1/services?capability=maps", key);
    assertThat(services.statusCode()).as(services.body()).isEqualTo(200);
    assertThat(GatewayNode.json(services).has("services")).isTrue();
    assertThat(n.host.economy().wallet().reader().supply().path("sum_of_balances").asLong()).isEqualTo(before);
  }
}
