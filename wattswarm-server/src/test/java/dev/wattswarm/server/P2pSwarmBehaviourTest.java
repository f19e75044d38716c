package dev.wattswarm.server;

import dev.wattswarm.agents.AgentSpec;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.network.Contact;
import dev.wattswarm.node.network.StartupConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.node.swarm.SwarmConfig;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** The node-level behaviour suite over the p2p substrate: TLS on loopback, each node joining through the first. */
class P2pSwarmBehaviourTest extends SwarmBehaviourSuite {
  static final SwarmConfig SWARM = SwarmConfig.p2p(300, 2_000);
  Contact genesis;

  @Override
  NodeHost join(Path dir, String name, String... agents) throws Exception {
    StateDir sd = new StateDir(dir);
    if (genesis != null) new StartupConfig(java.util.Optional.empty(), List.of()).withContact(genesis).write(sd);
    NodeConfig cfg = NodeConfig.fromEnv(dir, Map.of("WATTSWARM_NODE_MODE", genesis == null ? "network" : "wan",
        "WATTSWARM_P2P_LISTEN_ADDRS", "127.0.0.1:0")).withControlPort(0);
    NodeHost h = NodeHost.start(cfg, sd, Clock.systemUTC(), new SecureRandom(),
        NodeHost.Options.defaults().withAgents(java.util.Arrays.stream(agents).map(AgentSpec::parse).toList()).withSwarm(SWARM));
    if (genesis == null) genesis = new Contact(h.node().nodeId(), h.network().advertisedAddress());
    return h;
  }
}
