package dev.wattswarm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wattswarm.agents.AgentRuntime;
import dev.wattswarm.agents.Strategy;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Several nodes in one JVM over real TLS on 127.0.0.x: a slow agent's timeout is not re-routed. */
@org.junit.jupiter.api.Timeout(300)
class AgentSwarmTest extends NetworkNodes {

  @Test
  void aTimeoutOfALiveButSlowAgentIsFinalNotRerouted() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    // both security agents are alive but never answer while the test waits: a timeout says nothing
    // about their nodes being gone, so the request must not be moved (and so run twice)
    dev.wattswarm.agents.Responder stuck = (self, from, body) -> {
      release.await();
      return body;
    };
    NodeHost a = start("a", "127.0.0.46", "network", null, "lead:coordinator:coordination");
    start("b", "127.0.0.47", "wan", contactOf(a), Map.of("slow-b", stuck), "slow-b:specialist:security");
    start("c", "127.0.0.48", "wan", contactOf(a), Map.of("slow-c", stuck), "slow-c:specialist:security");
    AgentRuntime agents = a.agents();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> agents.registry().matching("security").size() == 2);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> agents.operatorRequest("security",
              CanonicalJson.parse("{\"code\":\"x\"}"), Strategy.FIRST, 1_000))
          .isInstanceOfSatisfying(dev.wattswarm.agents.AgentException.class,
              e -> assertThat(e.kind()).isEqualTo(dev.wattswarm.agents.AgentException.Kind.TIMEOUT));
      assertThat(agents.reroutes()).isZero();
      assertThat(agents.registry().matching("security")).hasSize(2);
    } finally {
      release.countDown();
    }
  }


  // an impostor of one of our agents is refused, and a request to an agent whose node is gone is
  // re-routed at once: SwarmBehaviourSuite, over p2p and nats alike
}
