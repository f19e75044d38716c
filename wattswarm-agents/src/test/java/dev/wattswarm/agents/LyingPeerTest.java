package dev.wattswarm.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes on real TLS: A (a coordinator), H (an honest security specialist) and L, a node
 * that lies. L runs no AgentRuntime: it speaks the agents' wire by hand, with its own agent key
 * ("spy"), and tries every lie the wire must catch. Each is refused, counted and held against L,
 * and A's honest request to H still succeeds.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LyingPeerTest {
  enum Mode { HONEST, IMPERSONATE, OTHER_NODE, OLD_REPLY, OVERSIZED, FORWARD, TAMPERED_CONTEXT }

  @TempDir Path tmp;
  TlsNode.Pool nodes;
  TlsNode a, h, l;
  AgentRuntime atA, atH;
  final KeyPair spy = KeyPair.generate(new SecureRandom());
  final AtomicReference<Mode> mode = new AtomicReference<>(Mode.HONEST);
  final AtomicReference<JsonNode> lastHonestReply = new AtomicReference<>();
  final AtomicReference<JsonNode> hostAnnouncement = new AtomicReference<>();
  final AtomicReference<byte[]> forwardedAnswer = new AtomicReference<>();
  final AgentConfig config = AgentConfig.defaults().withTimings(100, 60_000);

  @BeforeEach
  void swarm() {
    a = node("a");
    h = node("h");
    l = node("l");
    atA = AgentRuntime.start(a.node, a.overlay, a.router, config, List.of(AgentSpec.parse("lead:coordinator:coordination")),
        s -> new RulesResponder());
    atH = AgentRuntime.start(h.node, h.overlay, h.router, config, List.of(AgentSpec.parse("sec:specialist:security")),
        s -> new RulesResponder());
    String topic = TlsNode.NETWORK + ".global.agents";
    l.overlay.subscribe(topic, (t, id, payload, from) -> {
      JsonNode env = CanonicalJson.parse(payload).path("env");
      if (env.path("node_id").asText().equals(h.node.nodeId().toString())) hostAnnouncement.set(env);
    });
    l.router.register(AgentRuntime.SERVICE, (peer, frame) -> CompletableFuture.supplyAsync(() -> lie(frame)));
    h.join(a);
    l.join(a);
    l.join(h);
    await().atMost(Duration.ofSeconds(60)).until(() -> l.linkedTo(a) && l.linkedTo(h) && h.linkedTo(a));
    await().atMost(Duration.ofSeconds(60)).until(() -> !atA.registry().matching("security").isEmpty() && hostAnnouncement.get() != null);
  }

  TlsNode node(String name) {
    if (nodes == null) nodes = new TlsNode.Pool(tmp);
    return nodes.start(name);
  }

  @AfterEach
  void stop() throws Exception {
    if (nodes != null) nodes.close();
  }

  @Test
  void everyLieIsRefusedCountedAndStruckWhileHonestWorkGoesOn() throws Exception {
    String secId = atH.localAgents().get(0).id();
    // L announces its own agent properly, H's agent as if it hosted it (H's own signed entry),
    // and an entry in H's agent's name that H's agent never signed
    JsonNode copied = hostAnnouncement.get().path("agents").get(0);
    announce(List.of(entry(spy, spy.id().toString(), "spy"), copied, entry(spy, secId, "sec")));
    await().atMost(Duration.ofSeconds(30)).until(() -> !atA.registry().matching("spy").isEmpty());
    assertThat(atA.counters().get("foreign_agents")).isEqualTo(1);
    assertThat(atA.counters().get("bad_signatures")).isEqualTo(1);
    assertThat(atA.registry().matching("security")).singleElement()
        .satisfies(r -> assertThat(r.nodeId()).isEqualTo(h.node.nodeId().toString()));
    long strikes = a.overlay.violations();
    assertThat(strikes).isGreaterThanOrEqualTo(2);

    PeerClient lead = atA.client("lead");
    // the spy answering honestly gets through: the refusals below are about the lies, not the path
    assertThat(lead.request("spy", CanonicalJson.object().put("n", 1), 10_000).body().path("ok").asBoolean()).isTrue();

    mode.set(Mode.IMPERSONATE);
    assertRefused(lead, "claims agent " + secId);
    mode.set(Mode.OTHER_NODE);
    assertRefused(lead, "claims node " + h.node.nodeId());
    mode.set(Mode.OLD_REPLY);
    assertRefused(lead, "answers request");
    assertThat(atA.counters().get("forged_replies")).isEqualTo(3);
    mode.set(Mode.OVERSIZED);
    assertRefused(lead, "over the cap");
    assertThat(atA.counters().get("oversized")).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> a.overlay.violations() >= strikes + 4);
    // the context of a reply is signed with it: one changed after signing is refused
    long badSignatures = atA.counters().get("bad_signatures");
    mode.set(Mode.TAMPERED_CONTEXT);
    assertThatThrownBy(() -> lead.request("spy", CanonicalJson.object(), 10_000, CanonicalJson.object().put("mission_id", "m1")))
        .isInstanceOf(AgentException.class).hasMessageContaining("not signed by agent " + spy.id());
    assertThat(atA.counters().get("bad_signatures")).isEqualTo(badSignatures + 1);

    // L passes A's request for its spy on to H: H refuses what was addressed to another node
    mode.set(Mode.FORWARD);
    assertThatThrownBy(() -> lead.request("spy", CanonicalJson.object(), 10_000)).isInstanceOf(AgentException.class);
    await().atMost(Duration.ofSeconds(10)).until(() -> forwardedAnswer.get() != null);
    assertThat(CanonicalJson.parse(forwardedAnswer.get()).path("env").path("error").asText()).contains("addressed to node " + l.node.nodeId());
    assertThat(atH.counters().get("misaddressed")).isEqualTo(1);

    // L replays a request its spy signed: once answered, twice refused; so is a fresh one stamped long ago
    String leadId = atA.localAgents().get(0).id();
    long replays = atA.counters().get("replays");
    byte[] frame = requestFrame(leadId, a.node.nodeId().toString(), System.currentTimeMillis());
    assertThat(ask(a, frame).path("ok").asBoolean()).isTrue();
    assertThat(ask(a, frame).path("error").asText()).contains("seen before");
    assertThat(ask(a, requestFrame(leadId, a.node.nodeId().toString(), System.currentTimeMillis() - 120_000)).path("error").asText())
        .contains("outside the clock skew window");
    // at least: gossip may also hand A an announcement older than one it already took, which counts here too
    assertThat(atA.counters().get("replays")).isGreaterThanOrEqualTo(replays + 2);

    // a context that is not an object, or too large, is refused before any agent sees it
    long oversized = atA.counters().get("oversized");
    ObjectNode bigContext = CanonicalJson.object().put("x", "y".repeat(Context.MAX_BYTES));
    assertThat(ask(a, requestFrame(leadId, a.node.nodeId().toString(), System.currentTimeMillis(), bigContext)).path("error").asText())
        .contains("context is").contains("over the cap");
    assertThat(ask(a, requestFrame(leadId, a.node.nodeId().toString(), System.currentTimeMillis(), CanonicalJson.parse("\"str\"")))
        .path("error").asText()).contains("context must be a JSON object");
    assertThat(atA.counters().get("oversized")).isEqualTo(oversized + 2);

    // and through all of it the honest agent answers
    AgentRuntime.Reply r = lead.request("security", CanonicalJson.parse("{\"code\":\"eval(x)\"}"), 10_000);
    assertThat(r.agentId()).isEqualTo(secId);
    assertThat(r.nodeId()).isEqualTo(h.node.nodeId().toString());
    assertThat(r.body().path("findings").toString()).contains("eval");
  }

  void assertRefused(PeerClient lead, String why) {
    assertThatThrownBy(() -> lead.request("spy", CanonicalJson.object(), 10_000)).isInstanceOf(AgentException.class)
        .hasMessageContaining("refused").hasMessageContaining(why);
  }

  /** What the lying node answers A's requests for its spy with. */
  byte[] lie(byte[] frame) {
    JsonNode env = AgentWire.open(frame, 1, config.maxMessageBytes(), "request").path("env");
    String net = TlsNode.NETWORK;
    long now = System.currentTimeMillis();
    String msg = env.path("msg_id").asText();
    String self = l.node.nodeId().toString();
    ObjectNode ok = CanonicalJson.object().put("ok", true);
    JsonNode reply = switch (mode.get()) {
      case HONEST -> {
        JsonNode sealed = AgentWire.seal(spy, AgentWire.reply(net, now, msg, spy.id().toString(), self, ok));
        lastHonestReply.set(sealed);
        yield sealed;
      }
      case IMPERSONATE -> AgentWire.seal(spy, AgentWire.reply(net, now, msg, atH.localAgents().get(0).id(), self, ok));
      case OTHER_NODE -> AgentWire.seal(spy, AgentWire.reply(net, now, msg, spy.id().toString(), h.node.nodeId().toString(), ok));
      case OLD_REPLY -> lastHonestReply.get();
      case TAMPERED_CONTEXT -> {
        ObjectNode replyEnv = AgentWire.reply(net, now, msg, spy.id().toString(), self, ok);
        replyEnv.set("context", env.path("context"));
        ObjectNode sealed = AgentWire.seal(spy, replyEnv);
        ((ObjectNode) sealed.path("env")).set("context", CanonicalJson.object().put("mission_id", "forged"));
        yield sealed;
      }
      case OVERSIZED -> AgentWire.seal(spy, AgentWire.reply(net, now, msg, spy.id().toString(), self,
          CanonicalJson.object().put("blob", "x".repeat(config.maxMessageBytes() + 1))));
      case FORWARD -> {
        forwardedAnswer.set(l.overlay.request(h.node.nodeId(), frame, 10_000).join());
        yield AgentWire.seal(l.node.key(), AgentWire.error(net, now, msg, "", self,
            new AgentException(AgentException.Kind.FAILED, "forwarded")));
      }
    };
    return CanonicalJson.encode(reply);
  }

  ObjectNode entry(KeyPair signer, String agentId, String name) {
    ObjectNode e = AgentWire.header(AgentWire.ENTRY, TlsNode.NETWORK, System.currentTimeMillis());
    e.setAll(new AgentRecord(agentId, name, Role.SPECIALIST, Set.of(name), "", l.node.nodeId().toString(), 0, 4, 0).toJson());
    return AgentWire.seal(signer, e);
  }

  void announce(List<JsonNode> entries) {
    ObjectNode env = AgentWire.header(AgentWire.ANNOUNCE, TlsNode.NETWORK, System.currentTimeMillis())
        .put("node_id", l.node.nodeId().toString());
    entries.forEach(env.putArray("agents")::add);
    byte[] bytes = CanonicalJson.encode(AgentWire.seal(l.node.key(), env));
    l.overlay.publish(TlsNode.NETWORK + ".global.agents", Hashes.sha256(bytes), bytes);
  }

  byte[] requestFrame(String toAgent, String toNode, long atMs) {
    return requestFrame(toAgent, toNode, atMs, null);
  }

  byte[] requestFrame(String toAgent, String toNode, long atMs, JsonNode context) {
    ObjectNode env = AgentWire.request(false, TlsNode.NETWORK, atMs, spy.id().toString(), l.node.nodeId().toString(), toAgent, toNode,
        5_000, CanonicalJson.object().put("code", "print(1)"));
    if (context != null) env.set("context", context);
    return AgentWire.frame(AgentRuntime.SERVICE, AgentWire.seal(spy, env));
  }

  JsonNode ask(TlsNode to, byte[] frame) {
    return CanonicalJson.parse(l.overlay.request(to.node.nodeId(), frame, 10_000).join()).path("env");
  }
}
