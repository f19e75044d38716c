package dev.wattswarm.node.network;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventLimits;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.state.StateDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * The signed network parameters every member enforces (the genesis node signed them; a joiner
 * verified them): the largest event payload, and which event kinds are gossiped at all.
 *
 * @param maxPayloadBytes {@code max_payload_bytes}: a larger event is refused by every node
 * @param gossipKinds {@code gossip_kinds}: topics of other kinds are neither subscribed nor accepted
 */
public record NetworkRules(int maxPayloadBytes, Set<EventKind> gossipKinds) {
  /**
   * What an encoded event may add to its payload: the fixed fields, id and signature, and four
   * strings of at most 1 KiB each (network id, scope, type, task id).
   */
  public static final int ENVELOPE_BYTES = 8 * 1024;

  public NetworkRules {
    if (maxPayloadBytes < 1) throw new IllegalArgumentException("max_payload_bytes must be positive");
    gossipKinds = gossipKinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(gossipKinds));
  }

  /** No network: the node's own cap, every kind. */
  public static NetworkRules permissive(EventLimits limits) {
    return new NetworkRules(limits.maxPayloadBytes(), EnumSet.allOf(EventKind.class));
  }

  /** @throws IllegalArgumentException when the parameters are missing or malformed */
  public static NetworkRules of(NetworkBundle bundle) {
    JsonNode p = bundle.params();
    JsonNode max = p.get("max_payload_bytes");
    JsonNode kinds = p.get("gossip_kinds");
    if (max == null || !max.canConvertToInt() || kinds == null || !kinds.isTextual()) {
      throw new IllegalArgumentException("network " + bundle.networkId() + " parameters lack max_payload_bytes or gossip_kinds");
    }
    Set<EventKind> set = EnumSet.noneOf(EventKind.class);
    for (String k : kinds.asText().split(",")) if (!k.isBlank()) set.add(EventKind.parse(k.strip()));
    return new NetworkRules(max.asInt(), set);
  }

  /**
   * The rules of the network {@code networkId} as stored in the state directory, or the
   * permissive ones when the node is on no stored network (a local node).
   */
  public static NetworkRules stored(StateDir dir, String networkId, EventLimits limits) {
    Path f = dir.file(Networks.FILE);
    if (!Files.exists(f)) return permissive(limits);
    try {
      NetworkBundle b = NetworkBundle.fromJson(CanonicalJson.parse(Files.readAllBytes(f)));
      return b.networkId().equals(networkId) ? of(b) : permissive(limits);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + f + ": " + e.getMessage(), e);
    }
  }

  /** The node's cap tightened to the network's: what the node's verifier enforces. */
  public EventLimits limits(EventLimits node) {
    return new EventLimits(Math.max(256, Math.min(node.maxPayloadBytes(), maxPayloadBytes)));
  }

  /** The largest gossip payload (an encoded event) a member may send. */
  public int maxGossipBytes() {
    return maxPayloadBytes + ENVELOPE_BYTES;
  }

  public boolean gossips(EventKind kind) {
    return gossipKinds.contains(kind);
  }
}
