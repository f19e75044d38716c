package dev.wattswarm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.social.RelationshipState;
import dev.wattswarm.kernel.store.EventFilter;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.network.Contact;
import dev.wattswarm.node.network.StartupConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.social.Social;
import dev.wattswarm.social.dm.DmRow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** Nodes over real TLS on loopback with their social layer, and what the social tests ask of them. */
abstract class SocialNodes extends NetworkNodes {
  /** Like the fixture's, but a restarted node keeps the startup config it saved (the social tests restart nodes). */
  NodeHost start(String name, String ip, String mode, Contact contact) throws Exception {
    Path dir = tmp.resolve(name);
    Files.createDirectories(dir);
    StateDir sd = new StateDir(dir);
    if (contact != null && !Files.exists(sd.file(StateDir.STARTUP_CONFIG))) {
      new StartupConfig(java.util.Optional.empty(), List.of()).withContact(contact).write(sd);
    }
    NodeConfig cfg = NodeConfig.fromEnv(dir, Map.of("WATTSWARM_NODE_MODE", mode, "WATTSWARM_P2P_LISTEN_ADDRS", ip + ":0"))
        .withControlPort(0);
    NodeHost h = NodeHost.start(cfg, sd, Clock.systemUTC(), new SecureRandom());
    hosts.add(h);
    return h;
  }

  static Social social(NodeHost h) {
    return h.social();
  }

  static NodeId id(NodeHost h) {
    return h.node().nodeId();
  }

  static RelationshipState state(NodeHost h, NodeHost peer) {
    var v = social(h).relationships().view(id(peer));
    return v == null ? null : v.state();
  }

  static List<String> texts(NodeHost h, NodeHost peer) {
    return social(h).dms().list(id(peer), 1_000).stream().map(DmRow::text).toList();
  }

  /** Every byte of a node's database files, so a plaintext anywhere in it would be found. */
  static String storeBytes(Path dir) throws Exception {
    StringBuilder sb = new StringBuilder();
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("wattswarm.db")).toList()) {
        sb.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
      }
    }
    return sb.toString();
  }

  static String name(NodeHost h, NodeHost a, NodeHost b, NodeHost c) {
    return h == a ? "a" : h == b ? "b" : "c";
  }

  static List<Event> established(NodeHost h) {
    return h.node().store().list(0, 1000, new EventFilter("relationship_established", "", "")).events();
  }
}
