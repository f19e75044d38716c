package dev.wattswarm.node.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.crypto.Ed25519;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.nio.charset.StandardCharsets;

/** A leader's signed claim to a term until a time, for one network; the same bytes on NATS KV and on p2p gossip. */
record LeaseRecord(NodeId leader, long term, long expiresAtMs, String networkId) {
  private static final String DOMAIN = "wattswarm/swarm/leader-lease\n";

  LeaderElection.Lease lease() {
    return new LeaderElection.Lease(leader, term, expiresAtMs);
  }

  private ObjectNode body() {
    ObjectNode o = CanonicalJson.object();
    o.put("leader", leader.toString()).put("term", term).put("expires_at_ms", expiresAtMs).put("network_id", networkId);
    return o;
  }

  byte[] sign(KeyPair key) {
    ObjectNode o = body();
    o.put("sig", Hashes.hex(key.sign(message(o))));
    return CanonicalJson.encode(o);
  }

  private static byte[] message(ObjectNode body) {
    return (DOMAIN + CanonicalJson.encodeString(body)).getBytes(StandardCharsets.UTF_8);
  }

  /** @throws IllegalArgumentException when malformed, for another network, or not signed by its leader */
  static LeaseRecord verify(byte[] bytes, String network) {
    if (bytes == null || bytes.length > 4096) throw new IllegalArgumentException("oversized");
    JsonNode j;
    try {
      j = CanonicalJson.parse(bytes);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed");
    }
    if (!(j instanceof ObjectNode o) || !o.path("leader").isTextual() || !o.path("sig").isTextual() || !o.path("term").canConvertToLong()) {
      throw new IllegalArgumentException("malformed");
    }
    LeaseRecord r = new LeaseRecord(NodeId.parse(o.path("leader").asText()), o.path("term").asLong(), o.path("expires_at_ms").asLong(),
        o.path("network_id").asText());
    if (!r.networkId.equals(network)) throw new IllegalArgumentException("wrong_network");
    if (r.term < 1) throw new IllegalArgumentException("malformed");
    byte[] sig = Hashes.unhex(o.path("sig").asText());
    if (sig.length != Ed25519.SIGNATURE_SIZE || !Ed25519.verify(r.leader.keyBytes(), message(r.body()), sig)) {
      throw new IllegalArgumentException("bad_signature");
    }
    return r;
  }

  /** Deterministic order among valid leases: the higher term, then the smaller hash of (leader, term). */
  boolean beats(LeaseRecord other) {
    if (other == null) return true;
    if (term != other.term) return term > other.term;
    if (leader.equals(other.leader)) return expiresAtMs > other.expiresAtMs;
    return Hashes.hex(tieKey()).compareTo(Hashes.hex(other.tieKey())) < 0;
  }

  private byte[] tieKey() {
    return Hashes.sha256((leader + "|" + term).getBytes(StandardCharsets.UTF_8));
  }
}
