package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.node.Node;
import dev.wattswarm.p2p.Substrate;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages from our agents to agents on other nodes, and the checks on what comes back. A reply
 * is believed only when it is signed by the very agent we asked, names the node we sent to and
 * answers this request's id, fresh; anything else is refused, counted and held against the node.
 */
final class Outbound {
  private static final Logger log = LoggerFactory.getLogger(Outbound.class);

  private final Node node;
  private final Substrate substrate;
  private final AgentConfig config;
  private final ReplayGuard replies;
  private final AgentCounters counters;

  Outbound(Node node, Substrate substrate, AgentConfig config, ReplayGuard replies, AgentCounters counters) {
    this.node = node;
    this.substrate = substrate;
    this.config = config;
    this.replies = replies;
    this.counters = counters;
  }

  /** Sends a request (or with {@code notify}, a notification) and completes with the verified reply body. */
  CompletableFuture<Answer> send(LocalAgent from, AgentRecord to, JsonNode body, ObjectNode context, long timeoutMs, boolean notify) {
    KeyPair signer = from == null ? node.key() : from.key();
    ObjectNode env = AgentWire.request(notify, node.networkId(), node.clock().millis(), from == null ? "" : from.id(),
        node.nodeId().toString(), to.agentId(), to.nodeId(), timeoutMs, body);
    if (!context.isEmpty()) env.set("context", context); // signed with the message
    byte[] frame = AgentWire.frame(AgentRuntime.SERVICE, AgentWire.seal(signer, env));
    String requestId = env.path("msg_id").asText();
    return substrate.request(NodeId.parse(to.nodeId()), frame, timeoutMs).thenApply(bytes -> verify(bytes, to, requestId));
  }

  private Answer verify(byte[] bytes, AgentRecord to, String requestId) {
    try {
      JsonNode sealed = AgentWire.open(bytes, 0, config.maxMessageBytes(), "reply");
      JsonNode env = sealed.get("env");
      if (!AgentWire.REPLY.equals(env.path("kind").asText()) || !node.networkId().equals(env.path("network_id").asText())) {
        throw new AgentWire.Refused(AgentCounters.FORGED_REPLIES, "not a reply on this network");
      }
      if (!to.nodeId().equals(env.path("node_id").asText())) {
        throw new AgentWire.Refused(AgentCounters.FORGED_REPLIES, "reply claims node " + env.path("node_id").asText()
            + ", but the request went to node " + to.nodeId());
      }
      if (!requestId.equals(env.path("in_reply_to").asText())) {
        throw new AgentWire.Refused(AgentCounters.FORGED_REPLIES, "reply answers request " + env.path("in_reply_to").asText()
            + ", not " + requestId);
      }
      boolean ok = env.path("ok").asBoolean(false);
      String agent = env.path("agent_id").asText();
      // a refusal may come from the node itself (no such agent, inbox full); an answer only from the agent asked
      if (ok ? !agent.equals(to.agentId()) : !(agent.isEmpty() || agent.equals(to.agentId()))) {
        throw new AgentWire.Refused(AgentCounters.FORGED_REPLIES, "reply claims agent " + agent + ", but agent " + to.agentId()
            + " was asked");
      }
      if (!AgentWire.signedBy(sealed, agent.isEmpty() ? to.nodeId() : agent)) {
        throw new AgentWire.Refused(AgentCounters.BAD_SIGNATURES, "reply is not signed by " + (agent.isEmpty() ? "node " + to.nodeId()
            : "agent " + agent));
      }
      AgentWire.checkFresh(replies, env, "reply");
      if (!ok) {
        AgentException.Kind kind;
        try {
          kind = AgentException.Kind.valueOf(env.path("error_kind").asText("FAILED"));
        } catch (IllegalArgumentException unknown) {
          kind = AgentException.Kind.FAILED;
        }
        throw new AgentException(kind, env.path("error").asText());
      }
      JsonNode reply = env.path("reply");
      AgentWire.checkBodySize(reply, config.maxMessageBytes(), "reply");
      return new Answer(reply, Context.fromEnvelope(env, "reply"));
    } catch (AgentWire.Refused r) {
      counters.inc(r.counter);
      log.warn("reply from node {} for agent {} refused: {}", to.nodeId(), to.agentId(), r.getMessage());
      // the substrate matched this answer to the request we sent that node: the strike is its
      substrate.penalize(NodeId.parse(to.nodeId()), "agents: " + r.getMessage());
      throw new AgentException(AgentException.Kind.FAILED, "reply from agent " + to.name() + " on node " + to.nodeId()
          + " refused: " + r.getMessage());
    }
  }
}
