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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Unsigned agent messages are believed only over a direct TLS link from the node that hosts the
 * agent (by the agent's own signed announcement). Three real nodes: A (a coordinator), H (an
 * honest specialist) and L, which speaks the agents' wire by hand with its own agent "spy".
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DirectLinkTrustTest {
  @org.junit.jupiter.api.io.TempDir Path tmp;
  TlsNode.Pool nodes;
  TlsNode a, h, l;
  AgentRuntime atA, atH;
  final KeyPair spy = KeyPair.generate(new SecureRandom());
  /** A replay cache far smaller than the traffic below: only signed messages may need it. */
  final AgentConfig config = AgentConfig.defaults().withTimings(100, 60_000).withBounds(1024, 256, 4096, 300_000, 256, 10_000, 40);
  /** How L answers A: unsigned (as on a direct link) or signed by its spy. */
  final AtomicBoolean answerUnsigned = new AtomicBoolean(true);
  final AtomicReference<JsonNode> lastRequestToL = new AtomicReference<>();

  @BeforeEach
  void swarm() {
    a = node("a");
    h = node("h");
    l = node("l");
    atA = AgentRuntime.start(a.node, a.overlay, a.router, config, List.of(AgentSpec.parse("lead:coordinator:coordination")),
        s -> new RulesResponder());
    atH = AgentRuntime.start(h.node, h.overlay, h.router, config, List.of(AgentSpec.parse("sec:specialist:security")),
        s -> new RulesResponder());
    l.router.register(AgentRuntime.SERVICE, (peer, frame) -> CompletableFuture.supplyAsync(() -> answerAsSpy(frame)));
    h.join(a);
    l.join(a);
    await().atMost(Duration.ofSeconds(60)).until(() -> l.linkedTo(a) && h.linkedTo(a));
    announceSpy();
    await().atMost(Duration.ofSeconds(60)).until(() -> !atA.registry().matching("security").isEmpty()
        && !atA.registry().matching("spy").isEmpty());
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
  void honestTrafficGoesUnsignedAfterTheFirstRequestAndRelayedOnlySigned() {
    PeerClient lead = atA.client("lead");
    for (int i = 0; i < 5; i++) {
      AgentRuntime.Reply r = lead.request("security", CanonicalJson.parse("{\"code\":\"eval(x)\"}"), 10_000);
      assertThat(r.body().path("findings").toString()).contains("eval");
    }
    // the first request to L found the link (signed); the next ones ride it unsigned, and L's unsigned answers are believed
    answerUnsigned.set(false);
    assertThat(lead.request("spy", CanonicalJson.object().put("n", 1), 10_000).body().path("ok").asBoolean()).isTrue();
    assertThat(lastRequestToL.get().has("sig")).isTrue();
    answerUnsigned.set(true);
    assertThat(lead.request("spy", CanonicalJson.object().put("n", 2), 10_000).body().path("ok").asBoolean()).isTrue();
    assertThat(lastRequestToL.get().has("sig")).isFalse();
    assertThat(atA.counters().get("bad_signatures") + atA.counters().get("forged_replies")).isZero();

    // the same unsigned frame handed over as relayed (no link proves its sender) is refused and held against the sender
    long bad = atA.counters().get("bad_signatures");
    byte[] unsigned = unsignedRequest(spy.id().toString(), l.node.nodeId().toString());
    JsonNode refused = CanonicalJson.parse(atA.inboundForTests().answer(l.node.nodeId(), false, unsigned).join()).path("env");
    assertThat(refused.path("ok").asBoolean()).isFalse();
    assertThat(refused.path("error").asText()).contains("did not come over a direct link");
    assertThat(atA.counters().get("bad_signatures")).isEqualTo(bad + 1);
    // while over L's own link it is answered
    JsonNode answered = ask(unsignedRequest(spy.id().toString(), l.node.nodeId().toString()));
    assertThat(answered.path("ok").asBoolean()).as(answered.toString()).isTrue();
  }

  @Test
  void directTrafficNeedsNoReplayCacheButKeepsTheWindow() {
    PeerClient lead = atA.client("lead");
    // 200 requests and replies through a cache of 40 ids: replies are bound to their request's id, direct messages to the link
    for (int i = 0; i < 200; i++) lead.request("security", CanonicalJson.object().put("code", "x" + i), 10_000);
    assertThat(atA.counters().get("replay_cache_full") + atH.counters().get("replay_cache_full")).isZero();
    // an unsigned message stamped outside the skew window is still refused
    ObjectNode env = AgentWire.request(false, TlsNode.NETWORK, System.currentTimeMillis() - 120_000, spy.id().toString(),
        l.node.nodeId().toString(), atA.localAgents().get(0).id(), a.node.nodeId().toString(), 5_000, CanonicalJson.object());
    JsonNode stale = ask(AgentWire.frame(AgentRuntime.SERVICE, AgentWire.unsealed(env)));
    assertThat(stale.path("error").asText()).contains("outside the clock skew window");
  }

  @Test
  void anUnsignedMessageForAnotherNodesAgentOrFromAnotherNodeIsRefused() {
    String secId = atH.localAgents().get(0).id();
    long strikes = a.overlay.violations();
    // L speaks unsigned for H's agent over its own direct link: A knows that agent lives on H, so L must sign (it cannot)
    JsonNode r = ask(unsignedRequest(secId, l.node.nodeId().toString()));
    assertThat(r.path("ok").asBoolean()).isFalse();
    assertThat(r.path("signature_required").asBoolean()).isTrue();
    assertThat(r.path("error").asText()).contains("is not known to host");
    assertThat(atA.counters().get("unsigned_unbound")).isEqualTo(1);
    // an agent nobody announced is no better
    JsonNode unknown = ask(unsignedRequest(KeyPair.generate(new SecureRandom()).id().toString(), l.node.nodeId().toString()));
    assertThat(unknown.path("signature_required").asBoolean()).isTrue();
    // naming H as the sending node is a forgery, signed or not
    JsonNode forged = ask(unsignedRequest(secId, h.node.nodeId().toString()));
    assertThat(forged.path("error").asText()).contains("claims to come from node " + h.node.nodeId());
    assertThat(atA.counters().get("forged_requests")).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> a.overlay.violations() >= strikes + 1);
  }

  @Test
  void anUnsignedReplyToARequestThatWentSignedIsRefused() {
    PeerClient lead = atA.client("lead");
    // no request has found L's link yet, so this one goes signed; L's unsigned answer cannot be believed
    assertThatThrownBy(() -> lead.request("spy", CanonicalJson.object(), 10_000)).isInstanceOf(AgentException.class)
        .hasMessageContaining("reply is unsigned, but the request did not go only over a direct link");
    assertThat(lastRequestToL.get().has("sig")).isTrue();
  }

  /** L answers as its spy, signed or not as the test sets. */
  byte[] answerAsSpy(byte[] frame) {
    JsonNode sealed = AgentWire.open(frame, 1, config.maxMessageBytes(), "request");
    lastRequestToL.set(sealed);
    JsonNode env = sealed.path("env");
    ObjectNode reply = AgentWire.reply(TlsNode.NETWORK, System.currentTimeMillis(), env.path("msg_id").asText(), spy.id().toString(),
        l.node.nodeId().toString(), CanonicalJson.object().put("ok", true));
    return CanonicalJson.encode(answerUnsigned.get() ? AgentWire.unsealed(reply) : AgentWire.seal(spy, reply));
  }

  void announceSpy() {
    long now = System.currentTimeMillis();
    ObjectNode e = AgentWire.header(AgentWire.ENTRY, TlsNode.NETWORK, now);
    e.setAll(new AgentRecord(spy.id().toString(), "spy", Role.SPECIALIST, Set.of("spy"), "", l.node.nodeId().toString(), 0, 4, 0).toJson());
    ObjectNode env = AgentWire.header(AgentWire.ANNOUNCE, TlsNode.NETWORK, now).put("node_id", l.node.nodeId().toString());
    env.putArray("agents").add(AgentWire.seal(spy, e));
    byte[] bytes = CanonicalJson.encode(AgentWire.seal(l.node.key(), env));
    l.overlay.subscribe(TlsNode.NETWORK + ".global.agents", (t, id, payload, from) -> {});
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      byte[] fresh = bytes;
      l.overlay.publish(TlsNode.NETWORK + ".global.agents", Hashes.sha256(fresh), fresh);
      await().atMost(Duration.ofSeconds(2)).until(() -> !atA.registry().matching("spy").isEmpty());
    });
  }

  byte[] unsignedRequest(String fromAgent, String fromNode) {
    ObjectNode env = AgentWire.request(false, TlsNode.NETWORK, System.currentTimeMillis(), fromAgent, fromNode,
        atA.localAgents().get(0).id(), a.node.nodeId().toString(), 5_000, CanonicalJson.object().put("code", "print(1)"));
    return AgentWire.frame(AgentRuntime.SERVICE, AgentWire.unsealed(env));
  }

  JsonNode ask(byte[] frame) {
    return CanonicalJson.parse(l.overlay.request(a.node.nodeId(), frame, 10_000).join()).path("env");
  }
}
