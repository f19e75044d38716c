package dev.wattswarm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wattswarm.agents.AgentRuntime;
import dev.wattswarm.agents.AgentSpec;
import dev.wattswarm.agents.Strategy;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.network.Contact;
import dev.wattswarm.node.network.StartupConfig;
import dev.wattswarm.node.state.StateDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Twelve real nodes over TLS on loopback, each joining through the contact of the node before it
 * (not the genesis): the first node's operator reaches an agent on every other node, neighbour or
 * not, and every node knows every other's signed record.
 */
@org.junit.jupiter.api.Timeout(300)
class ReachSwarmTest {
  static final int N = 12;
  @TempDir Path tmp;
  final List<NodeHost> hosts = new ArrayList<>();

  @AfterEach
  void stop() {
    for (NodeHost h : hosts) {
      try {
        h.close();
      } catch (RuntimeException ignored) {
        // already closed
      }
    }
  }

  NodeHost start(int k, Contact contact) throws Exception {
    Path dir = tmp.resolve("n" + k);
    Files.createDirectories(dir);
    StateDir sd = new StateDir(dir);
    if (contact != null) new StartupConfig(java.util.Optional.empty(), List.of()).withContact(contact).write(sd);
    NodeConfig cfg = NodeConfig.fromEnv(dir, Map.of("WATTSWARM_NODE_MODE", contact == null ? "network" : "wan",
        "WATTSWARM_P2P_LISTEN_ADDRS", "127.0.0.1:0")).withControlPort(0);
    NodeHost h = NodeHost.start(cfg, sd, Clock.systemUTC(), new SecureRandom(),
        NodeHost.Options.defaults().withAgents(List.of(AgentSpec.parse("a" + k + ":specialist:cap" + k))));
    hosts.add(h);
    return h;
  }

  @Test
  void everyAgentOfATwelveNodeSwarmAnswersTheFirstNode() throws Exception {
    NodeHost prev = start(0, null);
    for (int k = 1; k < N; k++) {
      prev = start(k, new Contact(prev.node().nodeId(), prev.network().advertisedAddress()));
    }
    NodeHost first = hosts.get(0);
    AgentRuntime agents = first.agents();
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      for (int k = 1; k < N; k++) if (agents.registry().matching("cap" + k).isEmpty()) return false;
      return true;
    });
    await().atMost(Duration.ofSeconds(60)).until(() -> first.network().records().book().size() == N);
    Set<NodeId> neighbours = first.network().peers().keySet();
    int strangers = 0;
    for (int k = 1; k < N; k++) {
      NodeId target = hosts.get(k).node().nodeId();
      if (!neighbours.contains(target)) strangers++;
      var reply = agents.operatorRequest("cap" + k, CanonicalJson.parse("{\"ping\":" + k + "}"), Strategy.FIRST, 20_000);
      assertThat(reply.nodeId()).as("cap%d answered by its own node", k).isEqualTo(target.toString());
      assertThat(reply.location()).isEqualTo("remote");
    }
    // with at most 5 neighbours of 11 others, most answers came from nodes that are not neighbours
    assertThat(strangers).isPositive();
    assertThat(first.network().substrate().defenseCounters().getOrDefault("reach.dials", 0L)).isPositive();
  }
}
