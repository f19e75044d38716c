package dev.wattswarm.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.Projections;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.testkit.StepClock;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** JarvisCore's PeerClient API on one node: every method, the four strategies, context and its bounds. */
@Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
class PeerClientTest {
  @TempDir Path tmp;
  final StepClock clock = new StepClock(System.currentTimeMillis());
  final long seed = new SecureRandom().nextLong();
  final CountDownLatch release = new CountDownLatch(1);
  Node node;

  AgentRuntime start(List<AgentSpec> specs, Responder r) {
    System.out.println("PeerClientTest seed " + seed);
    node = Node.open(NodeConfig.local(tmp.resolve("n")), new StateDir(tmp.resolve("n")), clock, new SecureRandom(), Projections.all());
    return AgentRuntime.start(node, null, null, AgentConfig.of(node.config()), specs, s -> r, new Random(seed));
  }

  @AfterEach
  void stop() {
    release.countDown();
    if (node != null) node.close();
  }

  static AgentSpec spec(String name, String role, String caps) {
    return new AgentSpec(name, Role.parse(role), Set.of(caps.split(",")), "", 2, "rules");
  }

  AgentRuntime swarm() {
    return start(List.of(spec("lead", "coordinator", "coordination"), spec("w1", "worker", "proc"), spec("w2", "worker", "proc"),
        spec("w3", "worker", "proc"), spec("sec", "specialist", "security,proc")), new RulesResponder());
  }

  static List<String> names(List<AgentRecord> l) {
    return l.stream().map(AgentRecord::name).toList();
  }

  @Test
  void strategiesAreTheSeeds() {
    runtime = swarm();
    PeerClient lead = runtime.client("lead");
    // first: discovery order, every call
    assertThat(names(lead.discover(Role.WORKER, null, Strategy.FIRST))).containsExactly("w1", "w2", "w3");
    assertThat(names(lead.discover(null, "proc", Strategy.FIRST))).containsExactly("w1", "w2", "w3", "sec");
    assertThat(names(lead.discover(Role.WORKER, "security", Strategy.FIRST))).isEmpty();
    // round_robin: rotated one further on each call with the same filter
    assertThat(names(lead.discover(Role.WORKER, null, Strategy.ROUND_ROBIN))).containsExactly("w1", "w2", "w3");
    assertThat(names(lead.discover(Role.WORKER, null, Strategy.ROUND_ROBIN))).containsExactly("w2", "w3", "w1");
    assertThat(names(lead.discover(Role.WORKER, null, Strategy.ROUND_ROBIN))).containsExactly("w3", "w1", "w2");
    assertThat(names(lead.discover(Role.WORKER, null, Strategy.ROUND_ROBIN))).containsExactly("w1", "w2", "w3");
    // random: the injected generator's shuffle
    List<String> expected = new ArrayList<>(List.of("w1", "w2", "w3"));
    Random mirror = new Random(seed);
    Collections.shuffle(expected, mirror);
    assertThat(names(lead.discover(Role.WORKER, null, Strategy.RANDOM))).containsExactlyElementsOf(expected);
    // least_recent: never used first (discovery order), then oldest recordPeerUsage first
    var w = lead.discover(Role.WORKER, null, Strategy.FIRST);
    lead.recordPeerUsage(w.get(0).agentId());
    clock.advance(1_000);
    lead.recordPeerUsage(w.get(2).agentId());
    assertThat(names(lead.discover(Role.WORKER, null, Strategy.LEAST_RECENT))).containsExactly("w2", "w1", "w3");
    clock.advance(1_000);
    lead.recordPeerUsage(w.get(1).agentId());
    assertThat(names(lead.discover(Role.WORKER, null, Strategy.LEAST_RECENT))).containsExactly("w1", "w3", "w2");
    assertThat(lead.discoverOne(Role.WORKER, null, Strategy.LEAST_RECENT).orElseThrow().name()).isEqualTo("w1");
    // state is per agent: another agent's view is untouched
    assertThat(names(swarmClient("sec").discover(Role.WORKER, null, Strategy.LEAST_RECENT))).containsExactly("w1", "w2", "w3");
    assertThatThrownBy(() -> Strategy.parse("fastest")).hasMessageContaining("first, random, round_robin or least_recent");
  }

  PeerClient swarmClient(String name) {
    return runtime.client(name);
  }

  AgentRuntime runtime;

  @Test
  void lookupsRolesPeersAndRegistry() {
    runtime = swarm();
    PeerClient lead = runtime.client("lead");
    assertThat(lead.getPeer(Role.SPECIALIST).orElseThrow().name()).isEqualTo("sec");
    assertThat(lead.getPeer(Role.COORDINATOR)).isEmpty(); // only me
    assertThat(lead.discoverOne(Role.SPECIALIST, "translation", Strategy.FIRST)).isEmpty();
    assertThat(lead.listRoles()).containsExactly("specialist", "worker");
    assertThat(runtime.client("w1").listRoles()).containsExactly("coordinator", "specialist");
    List<PeerInfo> peers = lead.listPeers();
    assertThat(peers).extracting(PeerInfo::name).containsExactly("w1", "w2", "w3", "sec");
    assertThat(peers).allSatisfy(p -> {
      assertThat(p.location()).isEqualTo("local");
      assertThat(p.status()).isEqualTo("idle");
    });
    assertThat(peers.get(3).toJson().path("capabilities").toString()).contains("security");
    var reg = lead.registry();
    assertThat(reg).hasSize(5).containsKey(lead.myId());
    assertThat(reg.get(lead.myId()).role()).isEqualTo(Role.COORDINATOR);
    assertThatThrownBy(() -> reg.clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void contextTravelsWithRequestsNotificationsBroadcastsAndReplies() throws Exception {
    runtime = start(List.of(spec("lead", "coordinator", "coordination"), new AgentSpec("loop", Role.SPECIALIST, Set.of("math"), "", 2, "inbox"),
        spec("w", "worker", "proc")), new RulesResponder());
    PeerClient lead = runtime.client("lead");
    PeerClient loop = runtime.client("loop");
    ObjectNode ctx = CanonicalJson.object().put("mission_id", "abc123").put("priority", "high");
    assertThat(lead.notify("math", CanonicalJson.object().put("event", "done"), ctx)).isTrue();
    Message n = loop.receive(10_000).orElseThrow();
    assertThat(n.isRequest()).isFalse();
    assertThat(n.sender()).isEqualTo(lead.myId());
    assertThat(n.context()).isEqualTo(ctx);
    assertThat(lead.notify("nobody", CanonicalJson.object(), ctx)).isFalse();
    // broadcast to everyone but me, or filtered
    assertThat(lead.broadcast(CanonicalJson.object().put("status", "completed"), ctx)).isEqualTo(2);
    assertThat(loop.receive(10_000).orElseThrow().context()).isEqualTo(ctx);
    assertThat(lead.broadcast("math", CanonicalJson.object(), null)).isEqualTo(1);
    assertThat(loop.receive(10_000).orElseThrow().context()).isEmpty();
    assertThat(loop.receive(0)).isEmpty();
    // a request: the context is propagated to the reply unless the responder overrides it
    Thread worker = Thread.ofVirtual().start(() -> {
      try {
        Message m = loop.receive(10_000).orElseThrow();
        loop.respond(m, CanonicalJson.object().put("sum", 5));
        Message m2 = loop.receive(10_000).orElseThrow();
        loop.respond(m2, CanonicalJson.object(), CanonicalJson.object().put("mission_id", "override"));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    var r = lead.request("math", CanonicalJson.object(), 10_000, ctx);
    assertThat(r.body().path("sum").asInt()).isEqualTo(5);
    assertThat(r.context()).isEqualTo(ctx);
    assertThat(r.toJson().path("context").path("mission_id").asText()).isEqualTo("abc123");
    assertThat(lead.request("math", CanonicalJson.object(), 10_000, ctx).context().path("mission_id").asText()).isEqualTo("override");
    worker.join();
    // a brain that knows nothing of context sends it back unchanged
    assertThat(lead.request("proc", CanonicalJson.object(), 10_000, ctx).context()).isEqualTo(ctx);
    // bounded and an object
    var big = CanonicalJson.object().put("x", "y".repeat(Context.MAX_BYTES));
    assertThatThrownBy(() -> lead.request("proc", CanonicalJson.object(), 1_000, big)).isInstanceOf(AgentException.class)
        .hasMessageContaining("context is").hasMessageContaining("over the cap of " + Context.MAX_BYTES);
    assertThatThrownBy(() -> lead.notify("proc", CanonicalJson.object(), CanonicalJson.parse("[1]")))
        .hasMessageContaining("context must be a JSON object");
    assertThatThrownBy(() -> lead.broadcast(CanonicalJson.object(), big)).hasMessageContaining("over the cap");
  }

  @Test
  void defaultsAskAsyncAndCheckInbox() throws Exception {
    assertThat(PeerClient.REQUEST_TIMEOUT_MS).isEqualTo(30_000);
    assertThat(PeerClient.ASK_ASYNC_TIMEOUT_MS).isEqualTo(120_000);
    Responder slow = (self, from, body) -> {
      if (body.path("slow").asBoolean()) release.await();
      return CanonicalJson.object().put("by", self.name());
    };
    runtime = start(List.of(spec("lead", "coordinator", "coordination"), spec("sec", "specialist", "security")), slow);
    PeerClient lead = runtime.client("lead");
    assertThat(lead.request("security", CanonicalJson.object()).body().path("by").asText()).isEqualTo("sec");
    // an unknown target is an error at once, with no request id handed out
    assertThatThrownBy(() -> lead.askAsync("translation", CanonicalJson.object())).isInstanceOf(AgentException.class)
        .satisfies(e -> assertThat(((AgentException) e).kind()).isEqualTo(AgentException.Kind.NO_SUCH_AGENT));
    ObjectNode ctx = CanonicalJson.object().put("mission_id", "m1");
    String pending = lead.askAsync("security", CanonicalJson.object().put("slow", true), 60_000, ctx);
    assertThat(lead.checkInbox(pending)).isEmpty(); // timeout 0: does not wait
    assertThat(lead.checkInbox(pending, 50, true)).isEmpty(); // waits, nothing came
    release.countDown();
    var got = lead.checkInbox(pending, 20_000, false).orElseThrow();
    assertThat(got.context()).isEqualTo(ctx);
    assertThat(lead.checkInbox(pending, 0, true)).contains(got); // remove=false kept it
    assertThatThrownBy(() -> lead.checkInbox(pending, 0, true)).hasMessageContaining("no pending request");
    // another agent cannot read my replies
    String mine = lead.askAsync("security", CanonicalJson.object());
    assertThatThrownBy(() -> runtime.client("sec").checkInbox(mine, 0, true)).hasMessageContaining("no pending request");
    assertThat(lead.checkInbox(mine, 20_000, true)).isPresent();
  }

  @Test
  void peerUsageIsBounded() {
    PeerSelection s = new PeerSelection(clock, new Random(seed));
    Set<String> known = new java.util.HashSet<>();
    for (int i = 0; i < PeerSelection.MAX_TRACKED + 50; i++) known.add("agent-" + i);
    for (int i = 0; i < PeerSelection.MAX_TRACKED + 50; i++) s.used("agent-" + i, known);
    // all still known: the oldest go
    assertThat(s.tracked()).isEqualTo(PeerSelection.MAX_TRACKED);
    assertThat(s.lastUsed("agent-0")).isNull();
    assertThat(s.lastUsed("agent-" + (PeerSelection.MAX_TRACKED + 49))).isNotNull();
    // an agent that left the registry goes before any known one
    s.used("newcomer", Set.of("newcomer"));
    assertThat(s.tracked()).isEqualTo(1);
  }
}
