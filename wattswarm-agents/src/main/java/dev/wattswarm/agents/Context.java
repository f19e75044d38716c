package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;

/**
 * The metadata (JarvisCore's {@code context}) that travels with a message and comes back with its
 * reply: a JSON object of at most {@link #MAX_BYTES}. It sits inside the signed envelope, so nobody
 * between two agents can change it; a peer can still send any context it likes, so it is bounded
 * like a body and never trusted for more than the signer's word.
 */
public final class Context {
  /** Largest context, in canonical JSON bytes; the envelope reserves this much on top of the body cap. */
  public static final int MAX_BYTES = 4096;

  private Context() {}

  public static ObjectNode empty() {
    return CanonicalJson.object();
  }

  /**
   * A copy of {@code context} fit to send; null or missing is the empty object.
   *
   * @throws AgentException BAD_MESSAGE when it is not an object or larger than {@link #MAX_BYTES}
   */
  public static ObjectNode of(JsonNode context) {
    String why = problem(context);
    if (why != null) throw new AgentException(AgentException.Kind.BAD_MESSAGE, why);
    return context == null || context.isMissingNode() || context.isNull() ? empty() : ((ObjectNode) context).deepCopy();
  }

  /** What is wrong with a context that arrived, or null when it is fine. */
  static String problem(JsonNode context) {
    if (context == null || context.isMissingNode() || context.isNull()) return null;
    if (!context.isObject()) return "context must be a JSON object, not " + context.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    int n = CanonicalJson.encode(context).length;
    return n > MAX_BYTES ? "context is " + n + " bytes, over the cap of " + MAX_BYTES + " bytes" : null;
  }

  /** The context carried in a received envelope; refused (and counted by the caller) when malformed or oversized. */
  static ObjectNode fromEnvelope(JsonNode env, String what) {
    JsonNode c = env.path("context");
    String why = problem(c);
    if (why != null) throw new AgentWire.Refused(AgentCounters.OVERSIZED, what + ": " + why);
    return c.isObject() ? (ObjectNode) c : empty();
  }
}
