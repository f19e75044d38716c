package dev.wattswarm.server.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.agents.AgentSpec;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.config.Mode;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.discovery.BootnodeUrls;
import dev.wattswarm.node.network.Contact;
import dev.wattswarm.node.network.NodeRecord;
import dev.wattswarm.node.network.StartupConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.server.NodeHost;
import dev.wattswarm.server.publicapi.PublicConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery between real nodes over TLS on loopback: gossip, neighbour snapshots, learned discovery URLs, forged gossip. */
@org.junit.jupiter.api.Timeout(240)
class DiscoveryGossipTest {
  @TempDir Path tmp;
  final List<NodeHost> hosts = new ArrayList<>();
  final SecureRandom rng = new SecureRandom();

  @AfterEach
  void stop() {
    for (NodeHost h : hosts) h.close();
  }

  NodeHost start(String name, String ip, String mode, Contact contact, PublicConfig pub, String agent) throws Exception {
    Path dir = tmp.resolve(name);
    Files.createDirectories(dir);
    StateDir sd = new StateDir(dir);
    if (contact != null) new StartupConfig(Optional.empty(), List.of()).withContact(contact).write(sd);
    NodeConfig cfg = NodeConfig.fromEnv(dir, Map.of("WATTSWARM_NODE_MODE", mode, "WATTSWARM_P2P_LISTEN_ADDRS", ip + ":0")).withControlPort(0);
    NodeHost h = NodeHost.start(cfg, sd, Clock.systemUTC(), rng,
        NodeHost.Options.defaults().withAgents(List.of(AgentSpec.parse(agent))).withPublicHttp(pub));
    hosts.add(h);
    return h;
  }

  static Contact contactOf(NodeHost h) {
    return new Contact(h.node().nodeId(), h.network().advertisedAddress());
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static boolean holds(NodeHost h, KeyPair k) {
    return h.discovery().node(k.id()).isPresent();
  }

  static boolean holds(NodeHost h, NodeHost other) {
    return h.discovery().node(other.node().nodeId()).isPresent();
  }

  @Test
  void recordsSpreadToEveryNodeAndJoinersLearnTheDiscoveryUrls() throws Exception {
    int gp = freePort();
    String disc = "http://127.0.0.61:" + gp + "/api/network/discovery";
    PublicConfig gpub = PublicConfig.fromEnv(Mode.NETWORK, Map.of("WATTSWARM_PUBLIC_HTTP_ADDR", "127.0.0.61:" + gp,
        "WATTSWARM_PUBLIC_DISCOVERY_URLS", disc));
    NodeHost g = start("g", "127.0.0.61", "network", null, gpub, "g:specialist:cap-g");
    NodeHost a = start("a", "127.0.0.62", "wan", contactOf(g), PublicConfig.embedded(Mode.WAN), "a:specialist:cap-a");
    NodeHost b = start("b", "127.0.0.63", "wan", contactOf(g), PublicConfig.embedded(Mode.WAN), "b:specialist:cap-b");
    List<NodeHost> all = List.of(g, a, b);
    await().atMost(Duration.ofSeconds(60)).until(() -> all.stream().allMatch(x -> all.stream().allMatch(y -> holds(x, y))));
    for (NodeHost joiner : List.of(a, b)) {
      Path f = joiner.node().stateDir().file(BootnodeUrls.FILE);
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(f) && Files.readString(f).contains(disc));
      assertThat(joiner.discovery().discoveryUrls()).contains(disc);
    }
    // what a joiner's own listener publishes: the URLs it learned
    var join = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(a.publicUrl() + "/.well-known/wattswarm/join.json")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(join.body()).contains(disc);

    // a record posted to one node's listener reaches the others by gossip
    KeyPair outsider = KeyPair.generate(rng);
    NodeRecord r = NodeRecord.sign(outsider, g.node().networkId(), List.of("127.0.0.99:4001"), null, List.of("late"), Optional.empty(),
        System.currentTimeMillis(), 600_000);
    var posted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(a.publicUrl() + "/api/network/discovery/records"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(r.encode())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(30)).until(() -> holds(g, outsider) && holds(b, outsider));

    // a record only one node holds (no gossip) is found by the others' refresh rounds
    KeyPair quiet = KeyPair.generate(rng);
    g.discovery().book().offer(NodeRecord.sign(quiet, g.node().networkId(), List.of("127.0.0.98:4001"), null, List.of(), Optional.empty(),
        System.currentTimeMillis(), 600_000), System.currentTimeMillis());
    await().atMost(Duration.ofSeconds(60)).until(() -> holds(a, quiet) && holds(b, quiet));
    assertThat(a.discovery().counters()).containsKey("accepted.pull");
  }

  @Test
  void aForgedRecordOnTheGossipTopicIsRefusedByEveryReceiverAndNeverStored() throws Exception {
    NodeHost g = start("g", "127.0.0.71", "network", null, PublicConfig.embedded(Mode.NETWORK), "g:specialist:cap-g");
    NodeHost a = start("a", "127.0.0.72", "wan", contactOf(g), PublicConfig.embedded(Mode.WAN), "a:specialist:cap-a");
    await().atMost(Duration.ofSeconds(60)).until(() -> holds(g, a) && holds(a, g));
    // a re-points g's genuine record at an address of its choosing and gossips it
    ObjectNode forged = g.discovery().own().toJson();
    forged.putArray("addrs").add("127.0.0.1:1");
    forged.put("issued_at_ms", forged.path("issued_at_ms").asLong() + 1);
    byte[] bytes = CanonicalJson.encode(forged);
    a.network().substrate().publish(g.node().networkId() + ".global.records", Hashes.sha256(bytes), bytes);
    // an expired but genuinely signed record of a stranger is dropped without blame
    KeyPair stranger = KeyPair.generate(rng);
    byte[] old = NodeRecord.sign(stranger, g.node().networkId(), List.of(), null, List.of(), Optional.empty(),
        System.currentTimeMillis() - 700_000, 600_000).encode();
    a.network().substrate().publish(g.node().networkId() + ".global.records", Hashes.sha256(old), old);
    await().atMost(Duration.ofSeconds(30)).until(() -> g.discovery().counters().getOrDefault("refused.gossip.bad_signature", 0L) >= 1
        && g.discovery().counters().getOrDefault("ignored.gossip.expired", 0L) >= 1);
    assertThat(g.discovery().node(g.node().nodeId()).orElseThrow().addrs()).doesNotContain("127.0.0.1:1");
    assertThat(holds(g, stranger)).isFalse();
    assertThat(g.network().substrate().defenseCounters().keySet()).anyMatch(k -> k.contains("record_bad_signature"));
  }
}
