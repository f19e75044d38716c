package dev.wattswarm.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PeerClient API between two nodes over real loopback TLS: A runs a coordinator, B a loop agent
 * (answers with receive/respond), two workers and a slow agent. Every method is used across the
 * link, context included; a slow peer times out and a restarted peer is reached again.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PeerClientRemoteTest {
  @TempDir Path tmp;
  final long seed = new SecureRandom().nextLong();
  TlsNode.Pool nodes;
  final AgentConfig config = AgentConfig.defaults().withTimings(100, 60_000);
  final CountDownLatch release = new CountDownLatch(1);
  TlsNode a, b;
  AgentRuntime atA, atB;

  @BeforeEach
  void swarm() {
    System.out.println("PeerClientRemoteTest seed " + seed);
    a = node("a");
    atA = AgentRuntime.start(a.node, a.overlay, a.router, config, List.of(AgentSpec.parse("lead:coordinator:coordination")),
        s -> new RulesResponder(), new Random(seed));
    b = node("b");
    atB = startB();
    b.join(a);
    await().atMost(Duration.ofSeconds(60)).until(() -> b.linkedTo(a) && atA.registry().all().size() == 5
        && atB.registry().all().size() == 5);
  }

  AgentRuntime startB() {
    Responder r = (self, from, body) -> {
      if (self.name().equals("slow")) release.await();
      return CanonicalJson.object().put("by", self.name()).put("from", from);
    };
    return AgentRuntime.start(b.node, b.overlay, b.router, config, List.of(
        new AgentSpec("loop", Role.SPECIALIST, Set.of("math"), "answers from its loop", 2, "inbox"),
        AgentSpec.parse("w1:worker:proc"), AgentSpec.parse("w2:worker:proc"), AgentSpec.parse("slow:specialist:slow")), s -> r);
  }

  TlsNode node(String name) {
    if (nodes == null) nodes = new TlsNode.Pool(tmp);
    return nodes.start(name);
  }

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    if (nodes != null) nodes.close();
  }

  static List<String> names(List<AgentRecord> l) {
    return l.stream().map(AgentRecord::name).toList();
  }

  @Test
  void discoveryOfRemoteAgents() {
    PeerClient lead = atA.client("lead");
    assertThat(lead.getPeer(Role.SPECIALIST).orElseThrow().nodeId()).isEqualTo(b.node.nodeId().toString());
    assertThat(lead.getPeer(Role.COORDINATOR)).isEmpty();
    // discovery order is B's announcement order; round_robin rotates it, first keeps it
    assertThat(names(lead.discover(Role.WORKER, null, Strategy.FIRST))).containsExactly("w1", "w2");
    assertThat(names(lead.discover(Role.WORKER, "proc", Strategy.ROUND_ROBIN))).containsExactly("w1", "w2");
    assertThat(names(lead.discover(Role.WORKER, "proc", Strategy.ROUND_ROBIN))).containsExactly("w2", "w1");
    var workers = lead.discover(Role.WORKER, null);
    lead.recordPeerUsage(workers.get(0).agentId());
    assertThat(lead.discoverOne(null, "proc", Strategy.LEAST_RECENT).orElseThrow().name()).isEqualTo("w2");
    assertThat(names(lead.discover(null, "proc", Strategy.RANDOM))).containsExactlyInAnyOrder("w1", "w2");
    assertThat(lead.listRoles()).containsExactly("specialist", "worker");
    assertThat(atB.client("w1").listRoles()).containsExactly("coordinator", "specialist");
    List<PeerInfo> peers = lead.listPeers();
    assertThat(peers).extracting(PeerInfo::name).containsExactly("loop", "w1", "w2", "slow");
    assertThat(peers).allSatisfy(p -> assertThat(p.location()).isEqualTo("remote"));
    assertThat(peers.get(0).description()).isEqualTo("answers from its loop");
    assertThat(peers.get(0).status()).isEqualTo("idle");
    assertThat(atB.client("w1").listPeers()).filteredOn(p -> p.name().equals("w2")).singleElement()
        .satisfies(p -> assertThat(p.location()).isEqualTo("local"));
    var reg = lead.registry();
    assertThat(reg).hasSize(5);
    assertThat(reg.get(workers.get(1).agentId()).nodeId()).isEqualTo(b.node.nodeId().toString());
    assertThat(reg.get(lead.myId()).location()).isEqualTo("local");
  }

  @Test
  void contextCrossesTheLinkBothWays() throws Exception {
    PeerClient lead = atA.client("lead");
    PeerClient loop = atB.client("loop");
    ObjectNode ctx = CanonicalJson.object().put("mission_id", "abc123");
    assertThat(lead.notify("math", CanonicalJson.object().put("event", "scouting_complete"), ctx)).isTrue();
    Message n = loop.receive(20_000).orElseThrow();
    assertThat(n.isRequest()).isFalse();
    assertThat(n.sender()).isEqualTo(lead.myId());
    assertThat(n.fromNode()).isEqualTo(a.node.nodeId().toString());
    assertThat(n.context()).isEqualTo(ctx);
    // to everyone: 4 agents on B; filtered: just the loop agent
    assertThat(lead.broadcast(CanonicalJson.object().put("status", "completed"), ctx)).isEqualTo(4);
    assertThat(loop.receive(20_000).orElseThrow().context()).isEqualTo(ctx);
    assertThat(lead.broadcast("math", CanonicalJson.object(), CanonicalJson.object().put("only", "math"))).isEqualTo(1);
    assertThat(loop.receive(20_000).orElseThrow().context().path("only").asText()).isEqualTo("math");
    // request: the loop agent answers; the context comes back, or the responder's override
    Thread worker = Thread.ofVirtual().start(() -> {
      try {
        Message m = loop.receive(20_000).orElseThrow();
        loop.respond(m, CanonicalJson.object().put("from", m.sender()).put("mission", m.context().path("mission_id").asText()));
        Message m2 = loop.receive(20_000).orElseThrow();
        loop.respond(m2, CanonicalJson.object(), CanonicalJson.object().put("mission_id", "next"));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    var r = lead.request("math", CanonicalJson.object(), 20_000, ctx);
    assertThat(r.location()).isEqualTo("remote");
    assertThat(r.body().path("from").asText()).isEqualTo(lead.myId());
    assertThat(r.body().path("mission").asText()).isEqualTo("abc123");
    assertThat(r.context()).isEqualTo(ctx);
    assertThat(lead.request("math", CanonicalJson.object(), 20_000, ctx).context().path("mission_id").asText()).isEqualTo("next");
    worker.join();
    // ask_async over the link, read without removing, then with
    String id = lead.askAsync("proc", CanonicalJson.object(), 20_000, ctx);
    var got = lead.checkInbox(id, 20_000, false).orElseThrow();
    assertThat(got.nodeId()).isEqualTo(b.node.nodeId().toString());
    assertThat(got.context()).isEqualTo(ctx);
    assertThat(lead.checkInbox(id, 0, true)).contains(got);
    assertThatThrownBy(() -> lead.checkInbox(id, 0, true)).hasMessageContaining("no pending request");
    assertThatThrownBy(() -> lead.askAsync("translation", CanonicalJson.object())).isInstanceOf(AgentException.class)
        .hasMessageContaining("translation");
  }

  @Test
  void aSlowPeerTimesOutAndARestartedPeerIsReachedAgain() throws Exception {
    PeerClient lead = atA.client("lead");
    assertThatThrownBy(() -> lead.request("slow", CanonicalJson.object(), 300)).isInstanceOf(AgentException.class)
        .satisfies(e -> assertThat(((AgentException) e).kind()).isEqualTo(AgentException.Kind.TIMEOUT));
    String id = lead.askAsync("slow", CanonicalJson.object(), 300);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThatThrownBy(() -> lead.checkInbox(id, 100, true))
        .isInstanceOf(AgentException.class).hasMessageContaining("within 300 ms"));

    // B restarts (same state dir: same node key and agent keys) and is asked again
    String w1 = lead.discover("w1").get(0).agentId();
    nodes.stop(b);
    b = node("b");
    atB = startB();
    b.join(a);
    await().atMost(Duration.ofSeconds(60)).until(() -> b.linkedTo(a) && atB.registry().all().size() == 5);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(lead.request("w1", CanonicalJson.object(), 5_000, CanonicalJson.object().put("after", "restart")).context()
            .path("after").asText()).isEqualTo("restart"));
    assertThat(atB.client("w1").myId()).isEqualTo(w1);
  }
}
