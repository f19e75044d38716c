package dev.wattswarm.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.Projections;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Agents on one node: discovery, requests, queues, failures, identities. Cross-node runs in the CLI tests. */
@Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
class AgentRuntimeTest {
  @TempDir Path tmp;
  Node node;
  final CountDownLatch release = new CountDownLatch(1);

  AgentRuntime start(List<AgentSpec> specs, Responder r) {
    node = Node.open(NodeConfig.local(tmp.resolve("n")), new StateDir(tmp.resolve("n")), Clock.systemUTC(), new SecureRandom(),
        Projections.all());
    return AgentRuntime.start(node, null, specs, r);
  }

  @AfterEach
  void stop() {
    release.countDown();
    if (node != null) node.close();
  }

  static AgentSpec spec(String name, String role, String caps, int max) {
    return new AgentSpec(name, Role.parse(role), Set.of(caps.split(",")), "", max, "rules");
  }

  @Test
  void discoverAndRequestByCapabilityRoleAndName() {
    AgentRuntime rt = start(List.of(spec("lead", "coordinator", "coordination", 4), spec("sec", "specialist", "security", 2),
        spec("docs", "specialist", "docs", 2)), new RulesResponder());
    PeerClient lead = rt.client("lead");
    assertThat(lead.myRole()).isEqualTo(Role.COORDINATOR);
    assertThat(lead.myId()).startsWith("z6Mk");
    assertThat(lead.discover("security")).extracting(AgentRecord::name).containsExactly("sec");
    assertThat(lead.listRoles()).containsExactly("specialist");
    assertThat(lead.listPeers()).hasSize(2);
    AgentRuntime.Reply r = lead.request("security", CanonicalJson.parse("{\"code\":\"eval(input())\"}"), 5_000);
    assertThat(r.agentName()).isEqualTo("sec");
    assertThat(r.location()).isEqualTo("local");
    assertThat(r.body().path("findings").toString()).contains("eval");
    assertThat(lead.request("docs", CanonicalJson.object(), 5_000).agentName()).isEqualTo("docs");
    assertThat(lead.broadcast("specialist", CanonicalJson.object())).isEqualTo(2);
    assertThat(lead.notify("security", CanonicalJson.object())).isTrue();
    assertThat(lead.notify("nobody", CanonicalJson.object())).isFalse();
  }

  @Test
  void anUnknownTargetIsAClearErrorNotAHang() {
    // a specialist only: no worker to fall back on
    AgentRuntime rt = start(List.of(spec("a", "specialist", "x", 1)), new RulesResponder());
    assertThatThrownBy(() -> rt.operatorRequest("translation", CanonicalJson.object(), Strategy.FIRST, 1_000))
        .isInstanceOf(AgentException.class).hasMessageContaining("translation").hasMessageContaining("known: ");
  }

  @Test
  void anAgentThatThrowsOrNeverAnswers() {
    Responder r = (self, from, body) -> {
      if (body.path("mode").asText().equals("throw")) throw new IllegalStateException("model exploded");
      release.await();
      return CanonicalJson.object();
    };
    AgentRuntime rt = start(List.of(spec("a", "worker", "x", 4)), r);
    assertThatThrownBy(() -> rt.operatorRequest("x", CanonicalJson.object().put("mode", "throw"), Strategy.FIRST, 5_000))
        .isInstanceOf(AgentException.class).hasMessageContaining("model exploded")
        .satisfies(e -> assertThat(((AgentException) e).kind()).isEqualTo(AgentException.Kind.FAILED));
    assertThatThrownBy(() -> rt.operatorRequest("x", CanonicalJson.object(), Strategy.FIRST, 300))
        .isInstanceOf(AgentException.class).hasMessageContaining("within 300 ms")
        .satisfies(e -> assertThat(((AgentException) e).kind()).isEqualTo(AgentException.Kind.TIMEOUT));
  }

  @Test
  void aFullAgentRefusesVisiblyAndRoutingSkipsIt() throws Exception {
    Responder blocking = (self, from, body) -> {
      release.await();
      return CanonicalJson.object().put("by", self.name());
    };
    AgentRuntime rt = start(List.of(spec("only", "worker", "slow", 1)), blocking);
    LocalAgent agent = rt.localAgents().get(0);
    var pool = Executors.newVirtualThreadPerTaskExecutor();
    // one working, one queued: the agent is at twice max_concurrent
    List<CompletableFuture<JsonNode>> held = List.of(
        CompletableFuture.supplyAsync(() -> agent.handle("", CanonicalJson.object()), pool),
        CompletableFuture.supplyAsync(() -> agent.handle("", CanonicalJson.object()), pool));
    org.awaitility.Awaitility.await().until(() -> agent.load() == 2);
    assertThatThrownBy(() -> agent.handle("", CanonicalJson.object())).isInstanceOf(AgentException.class)
        .hasMessageContaining("is full");
    assertThatThrownBy(() -> rt.operatorRequest("slow", CanonicalJson.object(), Strategy.FIRST, 1_000))
        .isInstanceOf(AgentException.class).hasMessageContaining("at capacity");
    release.countDown();
    for (var f : held) assertThat(f.get().path("by").asText()).isEqualTo("only");
  }

  @Test
  void namesAndShorthandsAreValidated() {
    assertThatThrownBy(() -> start(List.of(spec("twin", "worker", "x", 1), spec("twin", "worker", "y", 1)), new RulesResponder()))
        .hasMessageContaining("two agents are named 'twin'");
    AgentSpec s = AgentSpec.parse("sec:specialist:security,audit:3");
    assertThat(s.capabilities()).containsExactlyInAnyOrder("security", "audit");
    assertThat(s.maxConcurrent()).isEqualTo(3);
    assertThatThrownBy(() -> AgentSpec.parse("x:wizard:y")).hasMessageContaining("coordinator, worker or specialist");
    assertThatThrownBy(() -> AgentSpec.parse("oops")).hasMessageContaining("name:role:cap1,cap2");
  }

  @Test
  void anAgentKeepsItsIdentityAcrossRestarts() {
    AgentRuntime rt = start(List.of(spec("a", "worker", "x", 1)), new RulesResponder());
    String id = rt.localAgents().get(0).id();
    node.close();
    node = null;
    AgentRuntime again = start(List.of(spec("a", "worker", "x", 1)), new RulesResponder());
    assertThat(again.localAgents().get(0).id()).isEqualTo(id).isNotEqualTo(node.nodeId().toString());
  }

  @Test
  void inboxesAskAsyncAndLocalFallback() throws Exception {
    AgentRuntime rt = start(List.of(spec("lead", "coordinator", "coordination", 2), spec("sec", "specialist", "security", 2),
        spec("any", "worker", "general", 2)), new RulesResponder());
    PeerClient lead = rt.client("lead");
    PeerClient sec = rt.client("sec");
    assertThat(lead.notify("security", CanonicalJson.object().put("hello", 1))).isTrue();
    var got = sec.receive(5_000).orElseThrow();
    assertThat(got.from()).isEqualTo(lead.myId());
    assertThat(got.body().path("hello").asInt()).isEqualTo(1);
    assertThat(sec.receive(0)).isEmpty();
    String id = lead.askAsync("security", CanonicalJson.parse("{\"code\":\"exec(x)\"}"), 5_000);
    org.awaitility.Awaitility.await().until(() -> lead.checkInbox(id).map(r -> {
      assertThat(r.agentName()).isEqualTo("sec");
      return true;
    }).orElse(false));
    assertThatThrownBy(() -> lead.checkInbox(id)).hasMessageContaining("no pending request");
    // nobody offers translation: the local worker takes it
    assertThat(lead.request("translation", CanonicalJson.object(), 5_000).agentName()).isEqualTo("any");
  }

  @Test
  void oversizedMessagesAreRefused() {
    AgentRuntime rt = start(List.of(spec("a", "worker", "x", 1)), new RulesResponder());
    var big = CanonicalJson.object().put("blob", "x".repeat(300_000));
    assertThatThrownBy(() -> rt.operatorRequest("x", big, Strategy.FIRST, 1_000)).hasMessageContaining("over");
  }

  @Test
  void anAgentWrittenAsALoopReceivesRequestsAndResponds() throws Exception {
    AgentRuntime rt = start(List.of(spec("lead", "coordinator", "coordination", 2),
        new AgentSpec("loop", Role.SPECIALIST, Set.of("math"), "", 2, "inbox")), new RulesResponder());
    PeerClient loop = rt.client("loop");
    Thread worker = Thread.ofVirtual().start(() -> {
      try {
        Message m = loop.receive(10_000).orElseThrow();
        loop.respond(m, CanonicalJson.object().put("sum", m.body().path("a").asInt() + m.body().path("b").asInt())
            .put("asked_by", m.from()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    PeerClient lead = rt.client("lead");
    var r = lead.request("math", CanonicalJson.parse("{\"a\":2,\"b\":3}"), 10_000);
    assertThat(r.body().path("sum").asInt()).isEqualTo(5);
    assertThat(r.body().path("asked_by").asText()).isEqualTo(lead.myId());
    worker.join();
  }
}
