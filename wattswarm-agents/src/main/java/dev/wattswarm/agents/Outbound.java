package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.node.Node;
import dev.wattswarm.p2p.Substrate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages from our agents to agents on other nodes, and the checks on what comes back. A reply
 * is believed only when it names the node we sent to and the agent we asked, answers this
 * request's id, is fresh, and is signed by that agent, or came unsigned back over the direct link
 * the unsigned request took (the substrate binds it to that link's proven node, which hosts the
 * agent by the agent's own signed announcement); anything else is refused, counted and held
 * against the node. A request goes unsigned only on a link that proves the node asked; every other
 * path (relay, a new link after the first fell) carries the signed one.
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
    return send(from, to, body, context, timeoutMs, notify, false);
  }

  private CompletableFuture<Answer> send(LocalAgent from, AgentRecord to, JsonNode body, ObjectNode context, long timeoutMs, boolean notify,
      boolean mustSign) {
    KeyPair signer = from == null ? node.key() : from.key();
    ObjectNode env = AgentWire.request(notify, node.networkId(), node.clock().millis(), from == null ? "" : from.id(),
        node.nodeId().toString(), to.agentId(), to.nodeId(), timeoutMs, body);
    if (!context.isEmpty()) env.set("context", context); // signed with the message
    String requestId = env.path("msg_id").asText();
    // set once the signed form was handed over: from then on only a signed reply is believed
    AtomicBoolean signedSent = new AtomicBoolean();
    Supplier<byte[]> signed = () -> {
      signedSent.set(true);
      return AgentWire.frame(AgentRuntime.SERVICE, AgentWire.seal(signer, env));
    };
    NodeId peer = NodeId.parse(to.nodeId());
    CompletableFuture<byte[]> answer = mustSign ? substrate.request(peer, signed.get(), timeoutMs)
        : substrate.request(peer, AgentWire.frame(AgentRuntime.SERVICE, AgentWire.unsealed(env)), signed, timeoutMs);
    CompletableFuture<Answer> verified = answer.thenApply(bytes -> verify(bytes, to, requestId, signedSent.get()));
    if (mustSign) return verified;
    return verified.exceptionallyCompose(e -> {
      Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
      return c instanceof SignNeeded ? send(from, to, body, context, timeoutMs, notify, true) : CompletableFuture.failedFuture(c);
    });
  }

  /** The node asked wants this request signed (it does not know our agent yet): ask again, signed. */
  private static final class SignNeeded extends RuntimeException {
    SignNeeded() {
      super("signature required", null, false, false);
    }
  }

  private Answer verify(byte[] bytes, AgentRecord to, String requestId, boolean signedSent) {
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
      if (!AgentWire.signed(sealed)) {
        if (signedSent) {
          throw new AgentWire.Refused(AgentCounters.BAD_SIGNATURES, "reply is unsigned, but the request did not go only over a direct"
              + " link to node " + to.nodeId());
        }
      } else if (!AgentWire.signedBy(sealed, agent.isEmpty() ? to.nodeId() : agent)) {
        throw new AgentWire.Refused(AgentCounters.BAD_SIGNATURES, "reply is not signed by " + (agent.isEmpty() ? "node " + to.nodeId()
            : "agent " + agent));
      }
      // in_reply_to is this request's fresh id, answered once: the window is the only freshness left to check, and
      // remembering every reply's id would cap a node at (cache size / window) replies per second
      AgentWire.checkWindow(replies, env, "reply");
      if (!ok) {
        if (!signedSent && env.path("signature_required").asBoolean(false)) throw new SignNeeded();
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
