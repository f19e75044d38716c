package dev.wattswarm.node.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.crypto.Ed25519;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.json.CanonicalJson;

/**
 * What a joining node needs to trust a network: its id, its genesis node, its protocol parameters
 * and their hash, signed by the genesis key. The network id is derived from the genesis node and
 * never changes; the signature covers the parameters and their hash.
 *
 * @param params canonical JSON of the network's protocol parameters
 */
public record NetworkBundle(String networkId, NodeId genesis, JsonNode params, String paramsHash, long createdAtMs,
    String signature) {

  /**
   * A network is named after its genesis node, so a joiner that dials the genesis knows which
   * network to expect before any byte is exchanged, and a bundle cannot be re-labelled.
   */
  public static String networkIdOf(NodeId genesis) {
    return "net:" + genesis;
  }

  /** The parameters a new network starts with. */
  public static ObjectNode defaultParams() {
    ObjectNode p = CanonicalJson.object();
    p.put("protocol", 1).put("max_payload_bytes", 64 * 1024).put("default_lease_ms", 15_000)
        .put("default_quorum_executors", 3).put("gossip_kinds", "events,messages,rules,checkpoints,summaries")
        .put("max_clock_skew_ms", 30_000);
    return p;
  }

  public static NetworkBundle genesis(KeyPair key, JsonNode params, long nowMs) {
    String hash = Hashes.hex(Hashes.sha256(CanonicalJson.encode(params)));
    String networkId = networkIdOf(key.id());
    NetworkBundle unsigned = new NetworkBundle(networkId, key.id(), params, hash, nowMs, "");
    return new NetworkBundle(networkId, key.id(), params, hash, nowMs, Hashes.hex(key.sign(unsigned.signedBytes())));
  }

  private byte[] signedBytes() {
    ObjectNode o = CanonicalJson.object();
    o.put("network_id", networkId).put("genesis_node_id", genesis.toString()).put("params_hash", paramsHash)
        .put("created_at_ms", createdAtMs);
    o.set("params", params);
    return CanonicalJson.encode(o);
  }

  /**
   * @param expectedGenesis the genesis node the joiner expects, or null when the contact was not the genesis
   * @throws IllegalArgumentException naming the check that failed
   */
  public void verify(NodeId expectedGenesis) {
    String hash = Hashes.hex(Hashes.sha256(CanonicalJson.encode(params)));
    if (!hash.equals(paramsHash)) throw new IllegalArgumentException("bundle params hash does not match its params");
    if (!networkIdOf(genesis).equals(networkId)) {
      throw new IllegalArgumentException("bundle network id " + networkId + " is not the one its genesis " + genesis + " defines");
    }
    if (expectedGenesis != null && !expectedGenesis.equals(genesis)) {
      throw new IllegalArgumentException("bundle names genesis " + genesis + ", expected " + expectedGenesis);
    }
    byte[] sig;
    try {
      sig = Hashes.unhex(signature);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bundle signature is not hex");
    }
    if (!Ed25519.verify(genesis.keyBytes(), signedBytes(), sig)) {
      throw new IllegalArgumentException("bundle signature does not verify against genesis " + genesis);
    }
  }

  public ObjectNode toJson() {
    ObjectNode o = CanonicalJson.object();
    o.put("network_id", networkId).put("genesis_node_id", genesis.toString()).put("params_hash", paramsHash)
        .put("created_at_ms", createdAtMs).put("signature", signature);
    o.set("params", params.deepCopy()); // callers may edit what they get; the bundle must not change
    return o;
  }

  /** @throws IllegalArgumentException when fields are missing or malformed */
  public static NetworkBundle fromJson(JsonNode o) {
    if (o == null || !o.isObject()) throw new IllegalArgumentException("bundle must be a JSON object");
    for (String f : new String[] {"network_id", "genesis_node_id", "params_hash", "signature"}) {
      if (!o.path(f).isTextual()) throw new IllegalArgumentException("bundle field " + f + " is missing");
    }
    if (!o.path("params").isObject()) throw new IllegalArgumentException("bundle field params is missing");
    return new NetworkBundle(o.get("network_id").asText(), NodeId.parse(o.get("genesis_node_id").asText()), o.get("params").deepCopy(),
        o.get("params_hash").asText(), o.path("created_at_ms").asLong(), o.get("signature").asText());
  }
}
