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
 * came over the link of the node it names as sender (TLS proves that node), is addressed to this
 * node, is signed by the agent (or, for an operator, the node) it names as sender and is fresh;
 * otherwise it is refused, counted and held against the sending node. Every answer is signed by
 * the agent that gives it, or by this node when no agent could.
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

  CompletableFuture<byte[]> answer(NodeId peer, byte[] frame) {
    return CompletableFuture.supplyAsync(() -> CanonicalJson.encode(answerNow(peer, frame)), workers);
  }

  private JsonNode answerNow(NodeId peer, byte[] frame) {
    JsonNode env = CanonicalJson.object();
    try {
      JsonNode sealed = AgentWire.open(frame, 1, config.maxMessageBytes(), "message from node " + peer);
      env = sealed.get("env");
      check(peer, sealed, env);
    } catch (AgentWire.Refused r) {
      counters.inc(r.counter);
      log.warn("message from node {} refused: {}", peer, r.getMessage());
      substrate.penalize(peer, "agents: " + r.getMessage());
      return refusal(env, "", node.key(), new AgentException(AgentException.Kind.BAD_MESSAGE, r.getMessage()));
    }
    String to = env.path("to_agent").asText();
    LocalAgent a = runtime.localById(to);
    if (a == null) {
      return refusal(env, "", node.key(), new AgentException(AgentException.Kind.NO_SUCH_AGENT, "no agent " + to + " on node " + node.nodeId()));
    }
    String from = env.path("from_agent").asText();
    ObjectNode context = Context.fromEnvelope(env, "message"); // checked in check(): cannot be refused here
    try {
      if (AgentWire.NOTIFY.equals(env.path("kind").asText())) {
        if (!runtime.deliverLocal(a, new Message(from, peer.toString(), env.path("body"), context, node.clock().millis()))) {
          throw new AgentException(AgentException.Kind.QUEUE_FULL, "inbox of " + a.spec().name() + " is full");
        }
        return AgentWire.seal(a.key(), AgentWire.reply(node.networkId(), node.clock().millis(), msgId(env), a.id(), node.nodeId().toString(),
            CanonicalJson.object().put("delivered", true)));
      }
      long timeout = Math.max(1, Math.min(MAX_TIMEOUT_MS, env.path("timeout_ms").asLong(MAX_TIMEOUT_MS)));
      Answer answer = runtime.callLocal(a, from, env.path("body"), context, timeout);
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
      return AgentWire.seal(a.key(), env2);
    } catch (AgentException e) {
      return refusal(env, a.id(), a.key(), e);
    }
  }

  private void check(NodeId peer, JsonNode sealed, JsonNode env) {
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
    if (!AgentWire.signedBy(sealed, from.isEmpty() ? peer.toString() : from)) {
      throw new AgentWire.Refused(AgentCounters.BAD_SIGNATURES, "message is not signed by " + (from.isEmpty() ? "node " + peer : "agent " + from));
    }
    AgentWire.checkFresh(requests, env, "message");
    AgentWire.checkBodySize(env.path("body"), config.maxMessageBytes(), "message body");
    Context.fromEnvelope(env, "message");
  }

  private JsonNode refusal(JsonNode env, String agentId, KeyPair signer, AgentException e) {
    ObjectNode err = AgentWire.error(node.networkId(), node.clock().millis(), msgId(env), agentId, node.nodeId().toString(), e);
    return AgentWire.seal(signer, err);
  }

  private static String msgId(JsonNode env) {
    return env.path("msg_id").asText("");
  }
}
