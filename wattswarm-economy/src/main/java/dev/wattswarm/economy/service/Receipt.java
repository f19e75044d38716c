package dev.wattswarm.economy.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.crypto.Ed25519;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.nio.charset.StandardCharsets;

/**
 * What a ServiceNet provider signs for each call: who provided what to whom at which price, bound
 * to the exact request and response by their hashes. The payer keeps it as proof; anyone can check
 * it against the provider's id (its public key).
 */
public final class Receipt {
  private Receipt() {}

  public static String hash(JsonNode n) {
    return Hashes.hex(Hashes.sha256(CanonicalJson.encode(n)));
  }

  private static byte[] signedBytes(String networkId, ObjectNode unsigned) {
    byte[] body = CanonicalJson.encode(unsigned);
    byte[] prefix = ("wattswarm-service-receipt-v1\n" + networkId + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[prefix.length + body.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(body, 0, out, prefix.length, body.length);
    return out;
  }

  public static ObjectNode sign(KeyPair provider, String networkId, String capability, long price, String caller, String nonce,
      JsonNode request, JsonNode response) {
    ObjectNode r = CanonicalJson.object();
    r.put("provider", provider.id().toString()).put("capability", capability).put("price", price).put("caller", caller)
        .put("nonce", nonce).put("request_hash", hash(request)).put("response_hash", hash(response));
    r.put("signature", Hashes.hex(provider.sign(signedBytes(networkId, r))));
    return r;
  }

  /** True when the receipt is the provider's signature over this request, response and price. */
  public static boolean verify(JsonNode receipt, String networkId, JsonNode request, JsonNode response) {
    if (receipt == null || !receipt.isObject() || !receipt.path("signature").isTextual()) return false;
    ObjectNode unsigned = ((ObjectNode) receipt).deepCopy();
    unsigned.remove("signature");
    if (!hash(request).equals(unsigned.path("request_hash").asText())) return false;
    if (!hash(response).equals(unsigned.path("response_hash").asText())) return false;
    try {
      byte[] sig = Hashes.unhex(receipt.path("signature").asText());
      return Ed25519.verify(NodeId.parse(unsigned.path("provider").asText()).keyBytes(), signedBytes(networkId, unsigned), sig);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
