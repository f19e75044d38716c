package dev.wattswarm.bench;

import dev.wattswarm.agents.AgentSpec;
import dev.wattswarm.agents.Responder;
import dev.wattswarm.nats.NatsConfig;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.network.Contact;
import dev.wattswarm.node.network.StartupConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.node.swarm.SwarmConfig;
import dev.wattswarm.server.NodeHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Two nodes in this JVM on one substrate, built the same way for p2p (TLS on loopback, b joins
 * through a) and nats (both on one local nats-server), so the two substrates' figures compare
 * like for like in one run.
 */
record BenchPair(NodeHost a, NodeHost b) implements AutoCloseable {
  static final Responder ECHO = (self, from, body) -> body;

  /** {@code natsUrl} null: p2p. {@code executorsB}: b's executors.json, or null. */
  static BenchPair start(Path dir, String natsUrl, List<String> agentsA, List<String> agentsB, String executorsB) throws Exception {
    Path da = dir.resolve("a");
    Path db = dir.resolve("b");
    Files.createDirectories(da);
    Files.createDirectories(db);
    if (executorsB != null) Files.writeString(db.resolve("executors.json"), executorsB);
    if (natsUrl != null) {
      SwarmConfig sw = SwarmConfig.nats(NatsConfig.of(List.of(natsUrl)), 1_000, 5_000);
      NodeHost a = node(da, Map.of("WATTSWARM_NODE_MODE", "network"), agentsA, sw);
      return new BenchPair(a, node(db, Map.of("WATTSWARM_NODE_MODE", "network"), agentsB, sw));
    }
    SwarmConfig sw = SwarmConfig.p2p(1_000, 5_000);
    NodeHost a = node(da, Map.of("WATTSWARM_NODE_MODE", "network", "WATTSWARM_P2P_LISTEN_ADDRS", "127.0.0.57:0"), agentsA, sw);
    new StartupConfig(java.util.Optional.empty(), List.of()).withContact(new Contact(a.node().nodeId(), a.network().advertisedAddress()))
        .write(new StateDir(db));
    return new BenchPair(a, node(db, Map.of("WATTSWARM_NODE_MODE", "wan", "WATTSWARM_P2P_LISTEN_ADDRS", "127.0.0.58:0"), agentsB, sw));
  }

  private static NodeHost node(Path dir, Map<String, String> env, List<String> agents, SwarmConfig sw) throws Exception {
    NodeConfig cfg = NodeConfig.fromEnv(dir, env).withControlPort(0);
    return NodeHost.start(cfg, new StateDir(dir), Clock.systemUTC(), new SecureRandom(), NodeHost.Options.defaults()
        .withAgents(agents.stream().map(AgentSpec::parse).toList()).withResponders(Map.of("echo", ECHO)).withSwarm(sw));
  }

  /** Waits until each node counts the other as a member (at most 30 s). */
  void awaitMembers() throws InterruptedException {
    long until = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < until && !(a.network().substrate().neighbours().containsKey(b.node().nodeId())
        && b.network().substrate().neighbours().containsKey(a.node().nodeId()))) {
      Thread.sleep(20);
    }
  }

  @Override
  public void close() {
    b.close();
    a.close();
  }
}
