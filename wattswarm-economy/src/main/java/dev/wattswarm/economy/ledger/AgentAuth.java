package dev.wattswarm.economy.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.crypto.Ed25519;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An agent's own signature on a ledger op its node carries. The node signs the event (TLS and the
 * lane prove the node), but only the agent's key may move the agent's WATT, so the op carries the
 * agent's Ed25519 signature over the network, the op type and every payload field but the
 * signature itself, {@code host} and {@code agent_seq} included: no other node can carry it and no
 * position of the agent's chain can be signed twice without that being a provable fork.
 */
public final class AgentAuth {
  public static final String SIG = "agent_sig";

  private AgentAuth() {}

  static byte[] signedBytes(String networkId, String type, JsonNode payload) {
    ObjectNode unsigned = payload.deepCopy();
    unsigned.remove(SIG);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("wattswarm-watt-agent-v1\n" + networkId + "\n" + type + "\n").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(CanonicalJson.encode(unsigned));
    return out.toByteArray();
  }

  /** Adds {@code from}, {@code host}, {@code agent_seq} and the agent's signature to {@code payload}. */
  public static ObjectNode sign(KeyPair agent, String host, long agentSeq, String networkId, String type, ObjectNode payload) {
    ObjectNode p = payload.deepCopy();
    p.put("from", agent.id().toString()).put("host", host).put("agent_seq", agentSeq);
    p.remove(SIG);
    p.put(SIG, Hashes.hex(agent.sign(signedBytes(networkId, type, p))));
    return p;
  }

  static boolean verify(String agent, String networkId, String type, JsonNode payload) {
    JsonNode sig = payload.get(SIG);
    if (sig == null || !sig.isTextual()) return false;
    byte[] s;
    try {
      s = Hashes.unhex(sig.asText());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return Ed25519.verify(NodeId.parse(agent).keyBytes(), signedBytes(networkId, type, payload), s);
  }
}
