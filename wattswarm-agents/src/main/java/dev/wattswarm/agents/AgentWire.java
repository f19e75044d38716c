package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.crypto.Ed25519;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.nio.charset.StandardCharsets;

/**
 * The signed envelopes agents exchange between nodes. TLS proves which node sent a frame, not
 * which agent spoke, so every request, notification, reply and announced agent entry is signed by
 * the agent itself (or by the node when no agent speaks: an operator's request, a node's refusal)
 * and names who sent it, from which node, to whom, when, on which network, under a fresh message
 * id; a reply also names the request it answers. {@code kind} is inside what is signed, so one
 * kind of envelope can never be passed off as another.
 *
 * <p>Wire form: {@code {"env": {...}, "sig": hex}}, signature over the canonical bytes of env.
 */
final class AgentWire {
  static final String REQUEST = "agent.request";
  static final String NOTIFY = "agent.notify";
  static final String REPLY = "agent.reply";
  static final String ENTRY = "agent.entry";
  static final String ANNOUNCE = "agent.announce";
  /** Room for the envelope around a body of the maximum size. */
  static final int ENVELOPE_BYTES = 4096 + Context.MAX_BYTES;

  /** A message refused on arrival; {@code counter} says which count it adds to. */
  static class Refused extends RuntimeException {
    final String counter;

    Refused(String counter, String reason) {
      super(reason, null, false, false);
      this.counter = counter;
    }
  }

  private AgentWire() {}

  static ObjectNode seal(KeyPair signer, ObjectNode env) {
    ObjectNode o = CanonicalJson.object();
    o.set("env", env);
    o.put("sig", Hashes.hex(signer.sign(CanonicalJson.encode(env))));
    return o;
  }

  /**
   * The envelope without a signature, for a direct link only: there TLS proves the sending node,
   * which holds the keys of the agents it hosts, so a signature would prove nothing more (see
   * docs/agents.md, "Direct links"). Every other path carries {@link #seal}.
   */
  static ObjectNode unsealed(ObjectNode env) {
    ObjectNode o = CanonicalJson.object();
    o.set("env", env);
    return o;
  }

  /** Whether {@code sealed} carries a signature at all (whether it is good is {@link #signedBy}). */
  static boolean signed(JsonNode sealed) {
    return sealed.has("sig");
  }

  /** Whether {@code sealed} is signed by the key behind {@code signerId} (an agent or node id). */
  static boolean signedBy(JsonNode sealed, String signerId) {
    try {
      JsonNode env = sealed.get("env");
      if (env == null || !env.isObject()) return false;
      return Ed25519.verify(NodeId.parse(signerId).keyBytes(), CanonicalJson.encode(env), Hashes.unhex(sealed.path("sig").asText()));
    } catch (RuntimeException malformed) {
      return false;
    }
  }

  static ObjectNode header(String kind, String networkId, long atMs) {
    return CanonicalJson.object().put("kind", kind).put("msg_id", java.util.UUID.randomUUID().toString())
        .put("network_id", networkId).put("at_ms", atMs);
  }

  static ObjectNode request(boolean notify, String networkId, long atMs, String fromAgent, String fromNode, String toAgent,
      String toNode, long timeoutMs, JsonNode body) {
    ObjectNode env = header(notify ? NOTIFY : REQUEST, networkId, atMs);
    env.put("from_agent", fromAgent).put("from_node", fromNode).put("to_agent", toAgent).put("to_node", toNode)
        .put("timeout_ms", timeoutMs);
    env.set("body", body);
    return env;
  }

  static ObjectNode reply(String networkId, long atMs, String inReplyTo, String agentId, String nodeId, JsonNode body) {
    ObjectNode env = header(REPLY, networkId, atMs).put("in_reply_to", inReplyTo).put("agent_id", agentId).put("node_id", nodeId)
        .put("ok", true);
    env.set("reply", body);
    return env;
  }

  static ObjectNode error(String networkId, long atMs, String inReplyTo, String agentId, String nodeId, AgentException e) {
    return header(REPLY, networkId, atMs).put("in_reply_to", inReplyTo).put("agent_id", agentId).put("node_id", nodeId)
        .put("ok", false).put("error_kind", e.kind().name()).put("error", e.getMessage());
  }

  /** The service byte, then the sealed envelope. */
  static byte[] frame(int service, JsonNode sealed) {
    byte[] encoded = CanonicalJson.encode(sealed);
    byte[] frame = new byte[encoded.length + 1];
    frame[0] = (byte) service;
    System.arraycopy(encoded, 0, frame, 1, encoded.length);
    return frame;
  }

  /** Parses a sealed envelope of {@code bytes} (after {@code skip} bytes), refusing it when larger than the cap allows. */
  static JsonNode open(byte[] bytes, int skip, int maxBodyBytes, String what) {
    if (bytes.length - skip > maxBodyBytes + ENVELOPE_BYTES) {
      throw new Refused(AgentCounters.OVERSIZED, what + " is " + (bytes.length - skip) + " bytes, over the cap of " + maxBodyBytes
          + " bytes of body (+" + ENVELOPE_BYTES + " of envelope)");
    }
    JsonNode sealed;
    try {
      sealed = CanonicalJson.parse(new String(bytes, skip, bytes.length - skip, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new Refused(AgentCounters.BAD_SIGNATURES, what + " is not JSON: " + e.getMessage());
    }
    if (!sealed.path("env").isObject()) throw new Refused(AgentCounters.BAD_SIGNATURES, what + " has no signed envelope");
    return sealed;
  }

  static void checkBodySize(JsonNode body, int maxBytes, String what) {
    int n = CanonicalJson.encode(body).length;
    if (n > maxBytes) throw new Refused(AgentCounters.OVERSIZED, what + " is " + n + " bytes, over the cap of " + maxBytes + " bytes");
  }

  /**
   * Refuses an envelope stamped outside the skew window, without remembering its id: for a reply
   * (bound to the fresh id of the one request it answers, which the substrate forgets on the first
   * answer, so a replayed reply answers nothing) and for an unsigned message on a direct link (TLS
   * refuses replayed records, and only the proven node itself can put bytes on that link: a
   * "replay" from it is just a new message it could have sent anyway).
   */
  static void checkWindow(ReplayGuard guard, JsonNode env, String what) {
    if (!guard.inWindow(env.path("at_ms").asLong(Long.MIN_VALUE / 2))) {
      throw new Refused(AgentCounters.REPLAYS, what + " is stamped " + env.path("at_ms").asLong()
          + ", outside the clock skew window (replay or wrong clock)");
    }
  }

  /** Refuses replayed and stale envelopes, counting them. */
  static void checkFresh(ReplayGuard guard, JsonNode env, String what) {
    switch (guard.check(env.path("msg_id").asText(), env.path("at_ms").asLong(Long.MIN_VALUE / 2))) {
      case FRESH -> {}
      case REPLAYED -> throw new Refused(AgentCounters.REPLAYS, what + " " + env.path("msg_id").asText() + " was seen before (replay)");
      case STALE -> throw new Refused(AgentCounters.REPLAYS, what + " is stamped " + env.path("at_ms").asLong()
          + ", outside the clock skew window (replay or wrong clock)");
      case FULL -> throw new Refused(AgentCounters.REPLAY_CACHE_FULL, "too many recent messages to check " + what + " for replay; retry later");
    }
  }
}
