package dev.wattswarm.server;

import dev.wattswarm.agents.AgentSpec;
import dev.wattswarm.agents.Responder;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.network.Contact;
import dev.wattswarm.node.network.StartupConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.node.swarm.SwarmConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Networked nodes over real TLS on loopback, each in its own state dir, joined through a contact:
 * the setup every multi-node test of the node host shares. A test that watches the swarm view
 * with its own timings overrides {@link #swarm()}.
 */
public abstract class NetworkNodes {
  @TempDir protected Path tmp;
  protected final List<NodeHost> hosts = new ArrayList<>();

  @AfterEach
  void stopNodes() {
    for (NodeHost h : hosts) {
      try {
        h.close();
      } catch (RuntimeException ignored) {
        // closed by the test already
      }
    }
  }

  /** The swarm view's timings for every node of the test. */
  protected SwarmConfig swarm() {
    return SwarmConfig.fromEnv(System.getenv());
  }

  protected NodeHost start(String name, String ip, String mode, Contact contact, String... agents) throws Exception {
    return start(name, ip, mode, contact, Map.of(), agents);
  }

  /** A node named {@code name} on {@code ip}, joining through {@code contact} (none for a founder), running {@code agents}. */
  protected NodeHost start(String name, String ip, String mode, Contact contact, Map<String, Responder> responders,
      String... agents) throws Exception {
    Path dir = tmp.resolve(name);
    Files.createDirectories(dir);
    StateDir sd = new StateDir(dir);
    if (contact != null) new StartupConfig(Optional.empty(), List.of()).withContact(contact).write(sd);
    NodeConfig cfg = NodeConfig.fromEnv(dir, Map.of("WATTSWARM_NODE_MODE", mode, "WATTSWARM_P2P_LISTEN_ADDRS", ip + ":0"))
        .withControlPort(0);
    List<AgentSpec> specs = new ArrayList<>();
    for (String a : agents) specs.add(AgentSpec.parse(a));
    NodeHost h = NodeHost.start(cfg, sd, Clock.systemUTC(), new SecureRandom(),
        NodeHost.Options.defaults().withAgents(specs).withResponders(responders).withSwarm(swarm()));
    hosts.add(h);
    return h;
  }

  public static Contact contactOf(NodeHost h) {
    return new Contact(h.node().nodeId(), h.network().advertisedAddress());
  }
}
