package dev.wattswarm.kernel.identity;

import dev.wattswarm.kernel.crypto.Base58;
import dev.wattswarm.kernel.crypto.Ed25519;
import java.util.Arrays;

/**
 * A node's (or agent's) identity: the Ed25519 public key, written as a did:key multibase string
 * ("z6Mk..."), so the id alone is enough to verify anything the node signs.
 */
public final class NodeId implements Comparable<NodeId> {
  // multicodec varint for ed25519-pub
  private static final byte[] ED25519_PREFIX = {(byte) 0xed, 0x01};

  private final byte[] publicKey;
  /** The text form, computed once: base58 is a big-number division and ids are printed on every event. */
  private volatile String text;

  public NodeId(byte[] publicKey) {
    if (publicKey == null || publicKey.length != Ed25519.PUBLIC_KEY_SIZE) {
      throw new IllegalArgumentException("node public key must be 32 bytes");
    }
    this.publicKey = publicKey.clone();
  }

  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The key without copying, for hot paths that only read it. */
  public byte[] keyBytes() {
    return publicKey;
  }

  /** @throws IllegalArgumentException naming what is wrong with the text */
  public static NodeId parse(String text) {
    if (text == null || text.isBlank()) throw new IllegalArgumentException("node id is empty");
    String s = text.startsWith("did:key:") ? text.substring(8) : text;
    if (!s.startsWith("z")) {
      throw new IllegalArgumentException("node id '" + text + "' must start with 'z' (did:key multibase)");
    }
    byte[] raw;
    try {
      raw = Base58.decode(s.substring(1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("node id '" + text + "' is not base58: " + e.getMessage());
    }
    if (raw.length != 34 || raw[0] != ED25519_PREFIX[0] || raw[1] != ED25519_PREFIX[1]) {
      throw new IllegalArgumentException("node id '" + text + "' is not an Ed25519 did:key");
    }
    return new NodeId(Arrays.copyOfRange(raw, 2, 34));
  }

  @Override
  public String toString() {
    String t = text;
    if (t == null) text = t = encode();
    return t;
  }

  private String encode() {
    byte[] raw = new byte[34];
    raw[0] = ED25519_PREFIX[0];
    raw[1] = ED25519_PREFIX[1];
    System.arraycopy(publicKey, 0, raw, 2, 32);
    return "z" + Base58.encode(raw);
  }

  public String did() {
    return "did:key:" + this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeId other && Arrays.equals(publicKey, other.publicKey);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(publicKey);
  }

  @Override
  public int compareTo(NodeId o) {
    return Arrays.compareUnsigned(publicKey, o.publicKey);
  }
}
