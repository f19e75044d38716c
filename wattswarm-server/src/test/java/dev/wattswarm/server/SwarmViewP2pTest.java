package dev.wattswarm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wattswarm.node.swarm.SwarmConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The swarm view and the leader lease on the p2p substrate (TLS on 127.0.0.x), filled as on nats. */
@org.junit.jupiter.api.Timeout(300)
class SwarmViewP2pTest extends NetworkNodes {
  static final SwarmConfig SWARM = SwarmConfig.p2p(300, 2_000);

  @Override
  protected SwarmConfig swarm() {
    return SWARM;
  }

  @Test
  void nodesRolesAndStatus() throws Exception {
    NodeHost a = start("a", "127.0.0.61", "network", null, "lead:coordinator:coordination");
    NodeHost b = start("b", "127.0.0.62", "wan", contactOf(a), "sec:specialist:security");
    NodeHost c = start("c", "127.0.0.63", "wan", contactOf(a));
    await().atMost(Duration.ofSeconds(30)).until(() -> NatsSwarmTest.statusOf(a, b).equals("online")
        && NatsSwarmTest.statusOf(a, c).equals("online") && NatsSwarmTest.statusOf(c, a).equals("online"));
    var rows = new SwarmApi(a.node(), a.swarm()).nodes().path("nodes");
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).path("self").asBoolean()).isTrue();
    assertThat(rows.get(0).path("role").asText()).isEqualTo("coordinator");
    var status = new SwarmApi(c.node(), c.swarm()).status();
    assertThat(status.path("substrate").path("kind").asText()).isEqualTo("p2p");
    assertThat(status.path("online").asInt()).isEqualTo(3);

    // a stopped leader replaced by another: SwarmBehaviourSuite, over p2p and nats alike
  }

  @Test
  void theLeaderSweepsATaskWhoseCoordinatorIsGoneUnderItsTerm() throws Exception {
    NodeHost a = start("a", "127.0.0.64", "network", null);
    NodeHost b = start("b", "127.0.0.65", "wan", contactOf(a));
    NodeHost c = start("c", "127.0.0.66", "wan", contactOf(a));
    await().atMost(Duration.ofSeconds(30)).until(() -> hosts.stream().filter(h -> h.swarm().leader().heldTerm() > 0).count() == 1);
    NodeHost coordinator = hosts.stream().filter(h -> h.swarm().leader().heldTerm() <= 0).findFirst().orElseThrow();
    var t = dev.wattswarm.kernel.json.CanonicalJson.object().put("task_id", "orphan").put("task_type", "swarm")
        .put("capability", "nobody-has-it").put("expires_in_ms", 1_000);
    t.putObject("inputs").put("prompt", "left behind");
    coordinator.tasks().service().submit(t);
    NodeHost watcher = hosts.stream().filter(h -> h != coordinator).findFirst().orElseThrow();
    await().atMost(Duration.ofSeconds(30)).until(() -> watcher.tasks().service().get("orphan").isPresent());
    coordinator.close();
    hosts.remove(coordinator);
    await().atMost(Duration.ofSeconds(60)).until(() -> watcher.tasks().service().get("orphan").orElseThrow().path("state").asText()
        .equals("expired"));
    assertThat(watcher.tasks().service().get("orphan").orElseThrow().path("last_error").asText()).contains("as swarm leader in term");
    assertThat(List.of(a, b, c)).contains(watcher);
  }
}
