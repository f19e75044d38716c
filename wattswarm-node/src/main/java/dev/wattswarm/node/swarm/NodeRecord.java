package dev.wattswarm.node.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.crypto.Ed25519;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's heartbeat in the swarm view, signed by the node: its role, load and capacity, its
 * agents, when it started and when it said this. PicoClaw's NodeInfo, but a node can only speak
 * for itself: the signature binds every field to the node id, and the network id keeps a record
 * from passing in another network.
 *
 * @param leaving true in the goodbye a node sends when it stops cleanly
 */
public record NodeRecord(NodeId nodeId, String networkId, long stampMs, long startedMs, String role, int load, int capacity,
    List<String> agents, String substrate, boolean leaving) {
  public static final int MAX_BYTES = 16 * 1024;
  public static final int MAX_AGENTS = 64;
  private static final String DOMAIN = "wattswarm/swarm/node-record\n";

  public NodeRecord {
    agents = List.copyOf(agents.size() > MAX_AGENTS ? agents.subList(0, MAX_AGENTS) : agents);
  }

  ObjectNode body() {
    ObjectNode o = CanonicalJson.object();
    o.put("node_id", nodeId.toString()).put("network_id", networkId).put("stamp_ms", stampMs).put("started_ms", startedMs)
        .put("role", role).put("load", load).put("capacity", capacity).put("substrate", substrate).put("leaving", leaving);
    ArrayNode a = o.putArray("agents");
    agents.forEach(a::add);
    return o;
  }

  public byte[] sign(KeyPair key) {
    ObjectNode o = body();
    o.put("sig", Hashes.hex(key.sign(message(o))));
    return CanonicalJson.encode(o);
  }

  private static byte[] message(ObjectNode body) {
    byte[] d = DOMAIN.getBytes(StandardCharsets.UTF_8);
    byte[] b = CanonicalJson.encode(body);
    byte[] m = java.util.Arrays.copyOf(d, d.length + b.length);
    System.arraycopy(b, 0, m, d.length, b.length);
    return m;
  }

  /** @throws IllegalArgumentException saying what is wrong: size, shape, network or signature */
  public static NodeRecord verify(byte[] bytes, String expectedNetwork) {
    if (bytes.length > MAX_BYTES) throw new IllegalArgumentException("oversized");
    JsonNode j;
    try {
      j = CanonicalJson.parse(bytes);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed");
    }
    if (!(j instanceof ObjectNode o) || !o.path("sig").isTextual() || !o.path("node_id").isTextual() || !o.path("agents").isArray()) {
      throw new IllegalArgumentException("malformed");
    }
    NodeId id = NodeId.parse(o.path("node_id").asText());
    if (!expectedNetwork.equals(o.path("network_id").asText())) throw new IllegalArgumentException("wrong_network");
    byte[] sig = Hashes.unhex(o.path("sig").asText());
    ObjectNode body = o.deepCopy();
    body.remove("sig");
    if (sig.length != Ed25519.SIGNATURE_SIZE || !Ed25519.verify(id.keyBytes(), message(body), sig)) {
      throw new IllegalArgumentException("bad_signature");
    }
    List<String> agents = new ArrayList<>();
    for (JsonNode a : o.path("agents")) {
      if (agents.size() >= MAX_AGENTS) break;
      agents.add(a.asText());
    }
    return new NodeRecord(id, expectedNetwork, o.path("stamp_ms").asLong(), o.path("started_ms").asLong(), text(o, "role"),
        Math.max(0, o.path("load").asInt()), Math.max(0, o.path("capacity").asInt()), agents, text(o, "substrate"),
        o.path("leaving").asBoolean(false));
  }

  private static String text(ObjectNode o, String f) {
    String s = o.path(f).asText("");
    return s.length() > 64 ? s.substring(0, 64) : s;
  }
}
