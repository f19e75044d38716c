package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.Node;
import dev.wattswarm.p2p.Substrate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests and notifications from other nodes for our agents. A message is delivered only when it
 * came from the node it names as sender (proven by the link, or by the relay's end-to-end
 * signature), is addressed to this node, is fresh, and is either signed by the agent (or, for an
 * operator, the node) it names as sender, or came unsigned over a direct link from the very node
 * that hosts that agent by the agent's own signed announcement; otherwise it is refused, counted
 * and held against the sending node. A signed message gets a signed answer, from the agent that
 * gives it or from this node when no agent could; an unsigned one goes back unsigned on the link
 * it came by.
 *
 * <p>Threads: a message for a non-blocking brain that needs no signature check is answered on the
 * thread it arrived on; the rest (signature checks, blocking brains) go to a worker.
 */
final class Inbound {
  private static final Logger log = LoggerFactory.getLogger(Inbound.class);
  private static final long MAX_TIMEOUT_MS = 600_000;

  private final AgentRuntime runtime;
  private final Node node;
  private final Substrate substrate;
  private final AgentConfig config;
  private final ReplayGuard requests;
  private final AgentCounters counters;
  private final ExecutorService workers;

  Inbound(AgentRuntime runtime, Node node, Substrate substrate, AgentConfig config, ReplayGuard requests, AgentCounters counters,
      ExecutorService workers) {
    this.runtime = runtime;
    this.node = node;
    this.substrate = substrate;
    this.config = config;
    this.requests = requests;
    this.counters = counters;
    this.workers = workers;
  }

  /** The sender must sign: it spoke unsigned for an agent this node does not know to be its own (yet). */
  static final class SignatureRequired extends AgentWire.Refused {
    SignatureRequired(String reason) {
      super(AgentCounters.UNSIGNED_UNBOUND, reason);
    }
  }

  CompletableFuture<byte[]> answer(NodeId peer, boolean direct, byte[] frame) {
    JsonNode sealed = null;
    try {
      sealed = AgentWire.open(frame, 1, config.maxMessageBytes(), "message from node " + peer);
    } catch (AgentWire.Refused r) {
      // refused on a worker, with the rest
    }
    if (sealed != null && !AgentWire.signed(sealed)) {
      JsonNode env = sealed.get("env");
      LocalAgent a = runtime.localById(env.path("to_agent").asText());
      // inline only with a working slot free now: this thread must never wait for one
      if (a != null && !a.blocking(env.path("body")) && a.trySlot()) {
        try {
          return CompletableFuture.completedFuture(CanonicalJson.encode(answerNow(peer, direct, frame, sealed, true)));
        } finally {
          a.releaseSlot();
        }
      }
    }
    JsonNode parsed = sealed;
    return CompletableFuture.supplyAsync(() -> CanonicalJson.encode(answerNow(peer, direct, frame, parsed, false)), workers);
  }

  /** @param slotHeld this thread holds a working slot of the agent addressed (the inline path) */
  private JsonNode answerNow(NodeId peer, boolean direct, byte[] frame, JsonNode parsed, boolean slotHeld) {
    JsonNode env = CanonicalJson.object();
    boolean signed = true;
    try {
      JsonNode sealed = parsed != null ? parsed : AgentWire.open(frame, 1, config.maxMessageBytes(), "message from node " + peer);
      env = sealed.get("env");
      signed = AgentWire.signed(sealed);
      check(peer, direct, sealed, env);
    } catch (SignatureRequired r) {
      // not an attack: its announcement of the agent may not have reached us yet; the asker signs and asks again
      counters.inc(r.counter);
      AgentException e = new AgentException(AgentException.Kind.BAD_MESSAGE, r.getMessage());
      ObjectNode err = AgentWire.error(node.networkId(), node.clock().millis(), msgId(env), "", node.nodeId().toString(), e);
      return AgentWire.unsealed(err.put("signature_required", true));
    } catch (AgentWire.Refused r) {
      counters.inc(r.counter);
      log.warn("message from node {} refused: {}", peer, r.getMessage());
      substrate.penalize(peer, "agents: " + r.getMessage());
      return refusal(env, "", node.key(), new AgentException(AgentException.Kind.BAD_MESSAGE, r.getMessage()));
    }
    KeyPair nodeKey = signed ? node.key() : null;
    String to = env.path("to_agent").asText();
    LocalAgent a = runtime.localById(to);
    if (a == null) {
      return refusal(env, "", nodeKey, new AgentException(AgentException.Kind.NO_SUCH_AGENT, "no agent " + to + " on node " + node.nodeId()));
    }
    String from = env.path("from_agent").asText();
    ObjectNode context = Context.fromEnvelope(env, "message"); // checked in check(): cannot be refused here
    try {
      if (AgentWire.NOTIFY.equals(env.path("kind").asText())) {
        if (!runtime.deliverLocal(a, new Message(from, peer.toString(), env.path("body"), context, node.clock().millis()))) {
          throw new AgentException(AgentException.Kind.QUEUE_FULL, "inbox of " + a.spec().name() + " is full");
        }
        return seal(signed ? a.key() : null, AgentWire.reply(node.networkId(), node.clock().millis(), msgId(env), a.id(),
            node.nodeId().toString(), CanonicalJson.object().put("delivered", true)));
      }
      long timeout = Math.max(1, Math.min(MAX_TIMEOUT_MS, env.path("timeout_ms").asLong(MAX_TIMEOUT_MS)));
      // a brain that never blocks runs right here (this thread already is the inline path or a worker); a blocking
      // one on a worker of its own that the timeout interrupts
      Answer answer = a.blocking(env.path("body")) ? runtime.callLocal(a, from, env.path("body"), context, timeout)
          : a.handle(from, env.path("body"), context, slotHeld);
      try {
        AgentWire.checkBodySize(answer.body(), config.maxMessageBytes(), "the reply of agent " + a.spec().name());
        if (Context.problem(answer.context()) != null) {
          throw new AgentWire.Refused(AgentCounters.OVERSIZED, "the reply context of agent " + a.spec().name() + ": "
              + Context.problem(answer.context()));
        }
      } catch (AgentWire.Refused r) {
        counters.inc(r.counter);
        throw new AgentException(AgentException.Kind.FAILED, r.getMessage());
      }
      ObjectNode env2 = AgentWire.reply(node.networkId(), node.clock().millis(), msgId(env), a.id(), node.nodeId().toString(), answer.body());
      if (!answer.context().isEmpty()) env2.set("context", answer.context()); // the reply carries the context back, signed
      return seal(signed ? a.key() : null, env2);
    } catch (AgentException e) {
      return refusal(env, a.id(), signed ? a.key() : null, e);
    }
  }

  /** Signed by {@code signer}, or unsigned (an answer on the direct link an unsigned request came by) when it is null. */
  private static JsonNode seal(KeyPair signer, ObjectNode env) {
    return signer == null ? AgentWire.unsealed(env) : AgentWire.seal(signer, env);
  }

  private void check(NodeId peer, boolean direct, JsonNode sealed, JsonNode env) {
    String kind = env.path("kind").asText();
    if (!AgentWire.REQUEST.equals(kind) && !AgentWire.NOTIFY.equals(kind)) {
      throw new AgentWire.Refused(AgentCounters.BAD_SIGNATURES, "'" + kind + "' is not an agent request");
    }
    if (!node.networkId().equals(env.path("network_id").asText()) || !node.nodeId().toString().equals(env.path("to_node").asText())) {
      throw new AgentWire.Refused(AgentCounters.MISADDRESSED, "message is addressed to node " + env.path("to_node").asText()
          + " on network " + env.path("network_id").asText() + "; this is node " + node.nodeId());
    }
    if (!peer.toString().equals(env.path("from_node").asText())) {
      throw new AgentWire.Refused(AgentCounters.FORGED_REQUESTS, "message claims to come from node " + env.path("from_node").asText()
          + " but node " + peer + " sent it");
    }
    String from = env.path("from_agent").asText();
    if (!AgentWire.signed(sealed)) {
      // unsigned is only as good as the link: it must prove the node, and that node must host the agent
      if (!direct) {
        throw new AgentWire.Refused(AgentCounters.BAD_SIGNATURES, "unsigned message did not come over a direct link from node " + peer
            + "; only a direct link proves its sender");
      }
      if (!from.isEmpty() && !runtime.registry().hosts(peer.toString(), from)) {
        throw new SignatureRequired("unsigned message from agent " + from + ", which node " + peer
            + " is not known to host; sign it");
      }
    } else if (!AgentWire.signedBy(sealed, from.isEmpty() ? peer.toString() : from)) {
      throw new AgentWire.Refused(AgentCounters.BAD_SIGNATURES, "message is not signed by " + (from.isEmpty() ? "node " + peer : "agent " + from));
    }
    // a signed message may come again by another path (a relay keeps copies): its id is remembered for the window
    if (AgentWire.signed(sealed)) AgentWire.checkFresh(requests, env, "message");
    else AgentWire.checkWindow(requests, env, "message");
    AgentWire.checkBodySize(env.path("body"), config.maxMessageBytes(), "message body");
    Context.fromEnvelope(env, "message");
  }

  private JsonNode refusal(JsonNode env, String agentId, KeyPair signer, AgentException e) {
    ObjectNode err = AgentWire.error(node.networkId(), node.clock().millis(), msgId(env), agentId, node.nodeId().toString(), e);
    return seal(signer, err);
  }

  private static String msgId(JsonNode env) {
    return env.path("msg_id").asText("");
  }
}
