package dev.wattswarm.kernel.social;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.crypto.Ed25519;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.nio.charset.StandardCharsets;

/**
 * Protected contact material, in the spirit of DIAP: a node's X25519 key agreement key, signed by
 * its Ed25519 node key for one network. The signature makes the card a credential on its own (it
 * verifies without the event that carried it), so a relay cannot swap in its own key.
 *
 * @param x25519 the 32-byte public key
 * @param signature Ed25519 by the node over {@link #signedBytes}
 */
public record ContactCard(byte[] x25519, byte[] signature) {
  public ContactCard {
    if (x25519 == null || x25519.length != 32) throw new IllegalArgumentException("x25519 key must be 32 bytes");
    if (signature == null || signature.length != Ed25519.SIGNATURE_SIZE) throw new IllegalArgumentException("card signature must be 64 bytes");
  }

  static byte[] signedBytes(String networkId, NodeId owner, byte[] x25519) {
    return ("wattswarm-dm-card-v1|" + networkId + "|" + owner + "|" + Hashes.hex(x25519)).getBytes(StandardCharsets.UTF_8);
  }

  public static ContactCard sign(KeyPair key, String networkId, byte[] x25519) {
    return new ContactCard(x25519, key.sign(signedBytes(networkId, key.id(), x25519)));
  }

  public boolean verifies(String networkId, NodeId owner) {
    return Ed25519.verify(owner.keyBytes(), signedBytes(networkId, owner, x25519), signature);
  }

  public ObjectNode toJson() {
    return CanonicalJson.object().put("x25519", Hashes.hex(x25519)).put("signature", Hashes.hex(signature));
  }

  /** The card in {@code json}, or null when absent or malformed (a bad card never counts). */
  public static ContactCard fromJson(JsonNode json) {
    if (json == null || !json.path("x25519").isTextual() || !json.path("signature").isTextual()) return null;
    try {
      return new ContactCard(Hashes.unhex(json.get("x25519").asText()), Hashes.unhex(json.get("signature").asText()));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
