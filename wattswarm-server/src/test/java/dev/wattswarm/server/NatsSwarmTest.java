package dev.wattswarm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.agents.AgentSpec;
import dev.wattswarm.agents.Strategy;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.nats.NatsConfig;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.node.swarm.SwarmConfig;
import dev.wattswarm.testkit.NatsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole nodes on the nats substrate against real nats-server processes, in what only nats can
 * suffer: a NATS restart, a three-server cluster losing a server, events forged on the subjects,
 * a pinned network id. Tasks, agents, catch-up, the swarm view and the leader, which every
 * substrate must do, are in {@link NatsSwarmBehaviourTest} ({@link SwarmBehaviourSuite}).
 */
@org.junit.jupiter.api.Timeout(300)
class NatsSwarmTest {
  @TempDir Path tmp;
  final List<NodeHost> hosts = new ArrayList<>();
  final List<NatsServer> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    for (NodeHost h : hosts) {
      try {
        h.close();
      } catch (RuntimeException ignored) {
        // closed by the test already
      }
    }
    for (NatsServer s : servers) s.close();
  }

  static SwarmConfig swarm(NatsConfig nats) {
    return SwarmConfig.nats(nats.withMemberTimings(200, 1_500), 300, 2_000);
  }

  NodeHost start(String name, SwarmConfig swarm, String executorCapability, String... agents) throws Exception {
    Path dir = tmp.resolve(name);
    Files.createDirectories(dir);
    if (executorCapability != null) {
      Files.writeString(dir.resolve("executors.json"), "{\"executors\":[{\"name\":\"" + name + "-worker\",\"kind\":\"rules\","
          + "\"capabilities\":[\"" + executorCapability + "\"],\"rules\":[{\"match\":\".*\",\"answer\":\"done by " + name + "\"}]}]}");
    }
    NodeConfig cfg = NodeConfig.fromEnv(dir, Map.of("WATTSWARM_NODE_MODE", "network")).withControlPort(0);
    List<AgentSpec> specs = new ArrayList<>();
    for (String a : agents) specs.add(AgentSpec.parse(a));
    NodeHost h = NodeHost.start(cfg, new StateDir(dir), Clock.systemUTC(), new SecureRandom(),
        NodeHost.Options.defaults().withAgents(specs).withSwarm(swarm));
    hosts.add(h);
    return h;
  }

  static void submit(NodeHost on, String id, String capability) {
    ObjectNode t = CanonicalJson.object().put("task_id", id).put("task_type", "swarm");
    t.putObject("inputs").put("prompt", "over nats " + id);
    if (capability != null) t.put("capability", capability);
    on.tasks().service().submit(t);
  }

  static boolean finalized(NodeHost on, String id) {
    return on.tasks().service().get(id).map(j -> !j.path("result_hash").asText().isEmpty()).orElse(false);
  }

  static String statusOf(NodeHost viewer, NodeHost subject) {
    SwarmApi api = new SwarmApi(viewer.node(), viewer.swarm());
    for (var n : api.nodes().path("nodes")) {
      if (n.path("node_id").asText().equals(subject.node().nodeId().toString())) return n.path("status").asText();
    }
    return "absent";
  }

  static String leaderOf(NodeHost h) {
    return new SwarmApi(h.node(), h.swarm()).leader().path("leader").asText();
  }

  @Test
  void discoveryRecordsTravelOverNatsThroughTheSameRecordLayer() throws Exception {
    NatsServer server = NatsServer.start();
    servers.add(server);
    SwarmConfig sw = swarm(NatsConfig.of(List.of(server.url())));
    NodeHost a = start("a", sw, null, "coord:coordinator:coordination");
    NodeHost b = start("b", sw, null, "sec:specialist:security");
    assertThat(a.network().records()).as("NATS has the record layer too").isNotNull();
    await().atMost(Duration.ofSeconds(30)).until(() -> a.discovery().node(b.node().nodeId()).isPresent()
        && b.discovery().node(a.node().nodeId()).isPresent());
    var bRecord = a.discovery().node(b.node().nodeId()).orElseThrow();
    assertThat(bRecord.capabilities()).contains("security");
    assertThat(bRecord.publicUrl()).isEqualTo(b.publicUrl());
    assertThat(bRecord).isEqualTo(b.network().records().self());
  }

  @Test
  void natsRestartedMidRunNodesReconnectAndCarryOn() throws Exception {
    NatsServer server = NatsServer.start();
    servers.add(server);
    SwarmConfig sw = swarm(NatsConfig.of(List.of(server.url())));
    NodeHost a = start("a", sw, null);
    NodeHost c = start("c", sw, "c-only");
    await().atMost(Duration.ofSeconds(30)).until(() -> statusOf(a, c).equals("online"));
    submit(a, "before", "c-only");
    await().atMost(Duration.ofSeconds(60)).until(() -> finalized(a, "before"));
    server.stop();
    server.startAgain();
    submit(a, "after", "c-only");
    await().atMost(Duration.ofSeconds(90)).until(() -> finalized(a, "after"));
    await().atMost(Duration.ofSeconds(30)).until(() -> statusOf(a, c).equals("online") && statusOf(c, a).equals("online"));
  }

  @Test
  void aThreeServerClusterLosesAServerAndTheSwarmKeepsWorking() throws Exception {
    List<NatsServer> cluster = NatsServer.cluster3();
    servers.addAll(cluster);
    List<String> all = cluster.stream().map(NatsServer::url).toList();
    // each node dials its own server first; all three are listed so it can fail over
    NodeHost a = start("a", swarm(NatsConfig.of(rotate(all, 0)).withReplicas(3)), null, "coord:coordinator:coordination");
    NodeHost b = start("b", swarm(NatsConfig.of(rotate(all, 1)).withReplicas(3)), null, "sec:specialist:security");
    NodeHost c = start("c", swarm(NatsConfig.of(rotate(all, 2)).withReplicas(3)), "c-only");
    await().atMost(Duration.ofSeconds(60)).until(() -> statusOf(a, b).equals("online") && statusOf(a, c).equals("online"));
    submit(a, "k-1", "c-only");
    await().atMost(Duration.ofSeconds(60)).until(() -> finalized(a, "k-1"));
    cluster.get(1).kill();
    submit(a, "k-2", "c-only");
    await().atMost(Duration.ofSeconds(90)).until(() -> finalized(a, "k-2"));
    await().atMost(Duration.ofSeconds(30)).until(() -> a.agents().registry().matching("security").size() == 1);
    var reply = a.agents().operatorRequest("security", CanonicalJson.parse("{\"code\":\"eval(x)\"}"), Strategy.FIRST, 10_000);
    assertThat(reply.nodeId()).isEqualTo(b.node().nodeId().toString());
  }

  @Test
  void eventsForgedOnTheSubjectsAreRefusedByEveryNode() throws Exception {
    NatsServer server = NatsServer.start();
    servers.add(server);
    SwarmConfig sw = swarm(NatsConfig.of(List.of(server.url())));
    NodeHost a = start("a", sw, null);
    NodeHost b = start("b", sw, null);
    await().atMost(Duration.ofSeconds(30)).until(() -> statusOf(a, b).equals("online"));
    submit(a, "real", null);
    await().atMost(Duration.ofSeconds(60)).until(() -> b.tasks().service().get("real").isPresent());
    var genuine = a.node().store().laneAfter(a.node().nodeId(), dev.wattswarm.kernel.event.Scope.GLOBAL, 0, 1).get(0);
    byte[] tampered = genuine.encoded().clone();
    tampered[tampered.length - 5] ^= 1;
    String subject = a.node().networkId() + ".global.events";
    try (var forger = io.nats.client.Nats.connect(server.url())) {
      var js = forger.jetStream();
      // a tampered copy under the genuine id, garbage claiming to be from a, and a replay of the genuine event
      var h = new io.nats.client.impl.Headers().put("Ws-Id", dev.wattswarm.kernel.crypto.Hashes.hex(genuine.id().bytes()))
          .put("Ws-From", a.node().nodeId().toString());
      js.publish(subject, h, tampered);
      js.publish(subject, new io.nats.client.impl.Headers().put("Ws-Id", "00".repeat(32)).put("Ws-From", a.node().nodeId().toString()),
          "not an event".getBytes());
      js.publish(subject, h, genuine.encoded());
    }
    // the garbage is refused by the event gate; the tampered copy and the replay carry an id b already holds
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      var c = b.network().substrate().defenseCounters();
      long rejected = c.entrySet().stream().filter(e -> e.getKey().startsWith("rejected_gossip.")).mapToLong(Map.Entry::getValue).sum();
      return rejected >= 1 && c.getOrDefault("duplicate_gossip", 0L) >= 2;
    });
    long events = b.node().store().count();
    submit(a, "after-forgery", null);
    await().atMost(Duration.ofSeconds(60)).until(() -> b.tasks().service().get("after-forgery").isPresent());
    assertThat(b.node().store().count()).isGreaterThan(events);
    assertThat(b.node().log().rejectedByReason().values().stream().mapToLong(Long::longValue).sum()).isZero();
  }

  @Test
  void aJoiningNodeCanPinTheNetworkItExpectsOnNats() throws Exception {
    NatsServer server = NatsServer.start();
    servers.add(server);
    SwarmConfig sw = swarm(NatsConfig.of(List.of(server.url())));
    NodeHost a = start("a", sw, null);
    String other = "net:" + dev.wattswarm.kernel.identity.KeyPair.generate(new SecureRandom()).id();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> start("d", sw.expecting(other), null))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("WATTSWARM_NATS_NETWORK_ID").hasMessageContaining(a.node().networkId());
    assertThat(tmp.resolve("d/network.json")).doesNotExist();
    NodeHost e = start("e", sw.expecting(a.node().networkId()), null);
    assertThat(e.node().networkId()).isEqualTo(a.node().networkId());
  }

  static List<String> rotate(List<String> l, int k) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < l.size(); i++) out.add(l.get((i + k) % l.size()));
    return out;
  }
}
