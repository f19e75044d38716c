package dev.wattswarm.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.agents.AgentSpec;
import dev.wattswarm.agents.PeerClient;
import dev.wattswarm.agents.Responder;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.network.Contact;
import dev.wattswarm.node.network.StartupConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.server.NodeHost;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Agent requests from one node to agents on nodes that are not its membership neighbours, in a
 * ten-node swarm over TLS on loopback (each node joining through the one before it): the path
 * a request takes once the swarm is larger than a neighbour set.
 */
final class SwarmReachBench {
  private static final Responder ECHO = AgentBench.ECHO;
  static final int NODES = 10;

  private SwarmReachBench() {}

  static ObjectNode run(Path dir, int n, PrintStream progress) throws Exception {
    List<NodeHost> hosts = new ArrayList<>();
    try {
      for (int k = 0; k < NODES; k++) {
        Path d = dir.resolve("n" + k);
        Files.createDirectories(d);
        if (k > 0) {
          NodeHost prev = hosts.get(k - 1);
          new StartupConfig(java.util.Optional.empty(), List.of())
              .withContact(new Contact(prev.node().nodeId(), prev.network().advertisedAddress())).write(new StateDir(d));
        }
        NodeConfig cfg = NodeConfig.fromEnv(d, Map.of("WATTSWARM_NODE_MODE", k == 0 ? "network" : "wan",
            "WATTSWARM_P2P_LISTEN_ADDRS", "127.0.0." + (60 + k) + ":0")).withControlPort(0);
        List<AgentSpec> specs = List.of(AgentSpec.parse(k == 0 ? "lead:coordinator:coordination" : "e" + k + ":specialist:echo" + k));
        hosts.add(NodeHost.start(cfg, new StateDir(d), Clock.systemUTC(), new SecureRandom(), NodeHost.Options.defaults().withExecutors(List.of())
            .withAgents(specs).withResponders(k == 0 ? Map.of() : Map.of("e" + k, ECHO))));
      }
      PeerClient lead = hosts.get(0).agents().client("lead");
      long until = System.nanoTime() + 60_000_000_000L;
      while (System.nanoTime() < until) {
        boolean all = true;
        for (int k = 1; k < NODES; k++) all &= !lead.discover("echo" + k).isEmpty();
        if (all) break;
        Thread.sleep(100);
      }
      Set<NodeId> neighbours = hosts.get(0).network().peers().keySet();
      List<String> targets = new ArrayList<>();
      for (int k = 1; k < NODES; k++) {
        if (!neighbours.contains(hosts.get(k).node().nodeId()) && !lead.discover("echo" + k).isEmpty()) targets.add("echo" + k);
      }
      if (targets.isEmpty()) return CanonicalJson.object().put("skipped", "every node became a neighbour of the first");
      progress.println("bench agents: " + targets.size() + " non-neighbour targets of " + (NODES - 1));
      ObjectNode body = CanonicalJson.object().put("ping", "x".repeat(48));
      int[] k = {0};
      AgentBench.warmUp(n < 5_000, () -> lead.request(targets.get(k[0]++ % targets.size()), body, 10_000));
      ObjectNode o = Timed.run(n, i -> lead.request(targets.get(i % targets.size()), body, 10_000));
      o.put("nodes", NODES).put("neighbours_of_asker", neighbours.size()).put("non_neighbour_targets", targets.size());
      return o;
    } finally {
      for (NodeHost h : hosts) {
        try {
          h.close();
        } catch (RuntimeException ignored) {
          // best effort
        }
      }
    }
  }
}
