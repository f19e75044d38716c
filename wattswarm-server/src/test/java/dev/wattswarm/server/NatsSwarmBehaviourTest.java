package dev.wattswarm.server;

import dev.wattswarm.agents.AgentSpec;
import dev.wattswarm.nats.NatsConfig;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.testkit.NatsServer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** The node-level behaviour suite over the nats substrate: one real nats-server -js on a free loopback port. */
class NatsSwarmBehaviourTest extends SwarmBehaviourSuite {
  NatsServer server;

  @Override
  NodeHost join(Path dir, String name, String... agents) throws Exception {
    if (server == null) server = NatsServer.start();
    NodeConfig cfg = NodeConfig.fromEnv(dir, Map.of("WATTSWARM_NODE_MODE", "network")).withControlPort(0);
    return NodeHost.start(cfg, new StateDir(dir), Clock.systemUTC(), new SecureRandom(),
        NodeHost.Options.defaults().withAgents(java.util.Arrays.stream(agents).map(AgentSpec::parse).toList())
            .withSwarm(NatsSwarmTest.swarm(NatsConfig.of(List.of(server.url())))));
  }

  @Override
  void closeSubstrate() {
    if (server != null) server.close();
  }
}
