package dev.wattswarm.node.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.crypto.Ed25519;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.p2p.wire.HostPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A node's signed statement of where it can be reached: the record Discovery v1 serves and the
 * overlay dials from. Only the node's own key can sign it, so a record cannot be re-pointed at
 * another address; the addresses themselves are still only claims (a node can list someone
 * else's), which is harmless because every dial is TLS-proven against {@link #nodeId()}.
 *
 * <p>The signature is Ed25519 over the canonical JSON of every field except {@code signature}.
 *
 * @param publicUrl the node's public HTTP listener, or null
 * @param location where the node says it is, if it says
 */
public record NodeRecord(NodeId nodeId, String networkId, List<String> addrs, String publicUrl, List<String> capabilities,
    Optional<Location> location, long issuedAtMs, long expiresAtMs, String signature) {

  /** Latitude and longitude in degrees. */
  public record Location(double lat, double lon) {
    public Location {
      if (!(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180)) {
        throw new IllegalArgumentException("location " + lat + "," + lon + " is outside -90..90, -180..180");
      }
    }
  }

  public static final int MAX_ADDRS = 8;
  public static final int MAX_CAPABILITIES = 64;
  public static final int MAX_TEXT = 512;
  /** Largest encoded record accepted from anyone. */
  public static final int MAX_BYTES = 16 * 1024;
  /** A record may claim to be valid for at most this long, so a leaked one does not live forever. */
  public static final long MAX_LIFETIME_MS = 24 * 3600_000L;
  /** How far in the future issued_at may be, for clock differences between nodes. */
  public static final long MAX_SKEW_MS = 60_000;

  public NodeRecord {
    addrs = List.copyOf(addrs);
    capabilities = List.copyOf(capabilities);
    location = location == null ? Optional.empty() : location;
  }

  /** Signs a fresh record valid from {@code nowMs} for {@code ttlMs}. */
  public static NodeRecord sign(KeyPair key, String networkId, List<String> addrs, String publicUrl, List<String> capabilities,
      Optional<Location> location, long nowMs, long ttlMs) {
    NodeRecord unsigned = new NodeRecord(key.id(), networkId, addrs, publicUrl, capabilities, location, nowMs, nowMs + ttlMs, "");
    unsigned.checkShape();
    return unsigned.withSignature(Hashes.hex(key.sign(unsigned.signedBytes())));
  }

  private NodeRecord withSignature(String sig) {
    return new NodeRecord(nodeId, networkId, addrs, publicUrl, capabilities, location, issuedAtMs, expiresAtMs, sig);
  }

  private byte[] signedBytes() {
    ObjectNode o = body();
    return CanonicalJson.encode(o);
  }

  private ObjectNode body() {
    ObjectNode o = CanonicalJson.object();
    o.put("node_id", nodeId.toString()).put("network_id", networkId);
    ArrayNode a = o.putArray("addrs");
    addrs.forEach(a::add);
    if (publicUrl != null) o.put("public_url", publicUrl);
    ArrayNode c = o.putArray("capabilities");
    capabilities.forEach(c::add);
    location.ifPresent(l -> o.putObject("location").put("lat", l.lat()).put("lon", l.lon()));
    o.put("issued_at_ms", issuedAtMs).put("expires_at_ms", expiresAtMs);
    return o;
  }

  public ObjectNode toJson() {
    return body().put("signature", signature);
  }

  public byte[] encode() {
    return CanonicalJson.encode(toJson());
  }

  /**
   * Checks everything a record can be checked for: shape, signature by its node, network, and
   * time window.
   *
   * @param expectedNetwork the network the record must belong to, or null for any
   * @throws IllegalArgumentException naming the first check that failed
   */
  private static final java.util.regex.Pattern LOWER_HEX_SIG = java.util.regex.Pattern.compile("[0-9a-f]{128}");

  public void verify(String expectedNetwork, long nowMs) {
    checkShape();
    if (expectedNetwork != null && !expectedNetwork.equals(networkId)) {
      throw new IllegalArgumentException("record is for network " + networkId + ", not " + expectedNetwork);
    }
    // one spelling per signature: hex is case-insensitive, and a re-cased copy of a genuine record
    // would otherwise verify, be stored as "different" and win signature tie-breaks
    if (!LOWER_HEX_SIG.matcher(signature).matches()) {
      throw new IllegalArgumentException("record signature is not 128 lowercase hex digits");
    }
    byte[] sig = Hashes.unhex(signature);
    if (!Ed25519.verify(nodeId.keyBytes(), signedBytes(), sig)) {
      throw new IllegalArgumentException("record signature does not verify against " + nodeId);
    }
    if (issuedAtMs > nowMs + MAX_SKEW_MS) throw new IllegalArgumentException("record is issued in the future (" + issuedAtMs + ")");
    if (expiresAtMs <= nowMs) throw new IllegalArgumentException("record expired at " + expiresAtMs);
  }

  private void checkShape() {
    if (networkId == null || networkId.isBlank() || networkId.length() > 256) {
      throw new IllegalArgumentException("record network_id is missing or over 256 characters");
    }
    if (addrs.size() > MAX_ADDRS) throw new IllegalArgumentException("record has " + addrs.size() + " addrs, over " + MAX_ADDRS);
    for (String a : addrs) {
      if (HostPort.parse(a).wildcard()) throw new IllegalArgumentException("record address " + a + " is a wildcard nobody can dial");
    }
    if (capabilities.size() > MAX_CAPABILITIES) {
      throw new IllegalArgumentException("record has " + capabilities.size() + " capabilities, over " + MAX_CAPABILITIES);
    }
    for (String c : capabilities) {
      if (c.isEmpty() || c.length() > 128) throw new IllegalArgumentException("record capability is empty or over 128 characters");
    }
    if (publicUrl != null && (publicUrl.length() > MAX_TEXT || !(publicUrl.startsWith("http://") || publicUrl.startsWith("https://")))) {
      throw new IllegalArgumentException("record public_url must be an http(s) URL of at most " + MAX_TEXT + " characters");
    }
    if (expiresAtMs <= issuedAtMs || expiresAtMs - issuedAtMs > MAX_LIFETIME_MS) {
      throw new IllegalArgumentException("record validity must be positive and at most " + MAX_LIFETIME_MS + " ms");
    }
  }

  /** Whether this record supersedes {@code other} of the same node (later issue wins; ties by signature). */
  public boolean newerThan(NodeRecord other) {
    if (issuedAtMs != other.issuedAtMs) return issuedAtMs > other.issuedAtMs;
    return signature.compareTo(other.signature) > 0;
  }

  /** @throws IllegalArgumentException naming the missing or malformed field (nothing is verified here) */
  public static NodeRecord fromJson(JsonNode o) {
    if (o == null || !o.isObject()) throw new IllegalArgumentException("record must be a JSON object");
    for (String f : new String[] {"node_id", "network_id", "signature"}) {
      if (!o.path(f).isTextual()) throw new IllegalArgumentException("record field " + f + " is missing or not a string");
    }
    for (String f : new String[] {"issued_at_ms", "expires_at_ms"}) {
      if (!o.path(f).canConvertToLong() || !o.path(f).isIntegralNumber()) {
        throw new IllegalArgumentException("record field " + f + " is missing or not an integer");
      }
    }
    if (!o.path("addrs").isArray()) throw new IllegalArgumentException("record field addrs is missing or not an array");
    NodeId id = NodeId.parse(o.get("node_id").asText());
    List<String> addrs = strings(o.get("addrs"), "addrs", MAX_ADDRS);
    List<String> caps = o.has("capabilities") ? strings(o.get("capabilities"), "capabilities", MAX_CAPABILITIES) : List.of();
    String url = null;
    if (o.hasNonNull("public_url")) {
      if (!o.get("public_url").isTextual()) throw new IllegalArgumentException("record field public_url is not a string");
      url = o.get("public_url").asText();
    }
    Optional<Location> loc = Optional.empty();
    if (o.hasNonNull("location")) {
      JsonNode l = o.get("location");
      if (!l.path("lat").isNumber() || !l.path("lon").isNumber()) {
        throw new IllegalArgumentException("record location needs numeric lat and lon");
      }
      loc = Optional.of(new Location(l.get("lat").asDouble(), l.get("lon").asDouble()));
    }
    return new NodeRecord(id, o.get("network_id").asText(), addrs, url, caps, loc, o.get("issued_at_ms").asLong(),
        o.get("expires_at_ms").asLong(), o.get("signature").asText());
  }

  /** Parses and bounds an encoded record. */
  public static NodeRecord decode(byte[] json) {
    if (json.length > MAX_BYTES) throw new IllegalArgumentException("record of " + json.length + " bytes is over " + MAX_BYTES);
    return fromJson(CanonicalJson.parse(json));
  }

  private static List<String> strings(JsonNode a, String field, int max) {
    if (!a.isArray()) throw new IllegalArgumentException("record field " + field + " is not an array");
    if (a.size() > max) throw new IllegalArgumentException("record field " + field + " has " + a.size() + " entries, over " + max);
    List<String> out = new ArrayList<>();
    for (JsonNode x : a) {
      if (!x.isTextual() || x.asText().length() > MAX_TEXT) {
        throw new IllegalArgumentException("record field " + field + " holds a non-string or over-long entry");
      }
      out.add(x.asText());
    }
    return out;
  }
}
