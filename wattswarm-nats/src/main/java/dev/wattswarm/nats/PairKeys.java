package dev.wattswarm.nats;

import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * One secret per pair of nodes, known to those two only, for authenticating requests and answers
 * between them with an HMAC instead of an Ed25519 signature each way (a signature and its check
 * cost ~125 us, an HMAC a few). It needs no exchange: each node's Ed25519 identity key maps to an
 * X25519 key (the birational map of RFC 7748, as libsodium's {@code ed25519_pk_to_curve25519}),
 * so the pair's Diffie-Hellman secret follows from one's own key and the other's node id. The
 * secret is bound to the network and to both ids; derived once per peer and kept in a bounded
 * cache.
 */
final class PairKeys {
  static final int MAC_BYTES = 32;
  private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
  private static final int CACHE = 4_096;

  private final NodeId me;
  private final String networkId;
  private final byte[] scalar;
  private final Map<NodeId, byte[]> keys = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<NodeId, byte[]> e) {
      return size() > CACHE;
    }
  });

  PairKeys(KeyPair key, String networkId) {
    this.me = key.id();
    this.networkId = networkId;
    byte[] seed = key.secretForStorage();
    try {
      // the X25519 scalar of an Ed25519 key is the first half of SHA-512(seed); X25519 clamps it
      this.scalar = Arrays.copyOf(MessageDigest.getInstance("SHA-512").digest(seed), 32);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no SHA-512", e);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /** The secret this node shares with {@code peer}, or null when the peer's id is not a usable key. */
  byte[] with(NodeId peer) {
    byte[] k = keys.get(peer);
    if (k != null) return k;
    byte[] u = montgomery(peer.keyBytes());
    if (u == null) return null;
    byte[] shared = new byte[32];
    // false for a small-order point: an id built to force a known secret
    if (!X25519.calculateAgreement(scalar, 0, u, 0, shared, 0)) return null;
    boolean meFirst = me.compareTo(peer) < 0;
    String info = "wattswarm/nats/pair/v1\n" + networkId + "\n" + (meFirst ? me : peer) + "\n" + (meFirst ? peer : me);
    k = hmac(shared, info.getBytes(StandardCharsets.UTF_8));
    keys.put(peer, k);
    return k;
  }

  /** The X25519 u-coordinate of an Ed25519 public key: u = (1 + y) / (1 - y) mod p; null for y = 1 or y >= p. */
  static byte[] montgomery(byte[] edPublic) {
    byte[] be = new byte[32];
    for (int i = 0; i < 32; i++) be[i] = edPublic[31 - i];
    be[0] &= 0x7f; // the top bit is the sign of x
    BigInteger y = new BigInteger(1, be);
    if (y.compareTo(P) >= 0) return null;
    BigInteger den = BigInteger.ONE.subtract(y).mod(P);
    if (den.signum() == 0) return null;
    BigInteger u = BigInteger.ONE.add(y).multiply(den.modInverse(P)).mod(P);
    byte[] ub = u.toByteArray();
    byte[] le = new byte[32];
    for (int i = 0; i < 32 && i < ub.length; i++) le[i] = ub[ub.length - 1 - i];
    return le;
  }

  static byte[] hmac(byte[] key, byte[]... parts) {
    // BouncyCastle's HMac directly: a JCA Mac.getInstance per message cost more than the HMAC itself
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(key));
    for (byte[] p : parts) mac.update(p, 0, p.length);
    byte[] out = new byte[MAC_BYTES];
    mac.doFinal(out, 0);
    return out;
  }

  /** {@code body} followed by its MAC under {@code key} in {@code domain}. */
  static byte[] seal(byte[] key, String domain, byte[] body) {
    byte[] mac = hmac(key, (domain + "\n").getBytes(StandardCharsets.UTF_8), body);
    byte[] out = Arrays.copyOf(body, body.length + MAC_BYTES);
    System.arraycopy(mac, 0, out, body.length, MAC_BYTES);
    return out;
  }

  /** The body of a sealed frame, or null when it is too short to hold a MAC. */
  static byte[] body(byte[] frame) {
    return frame.length <= MAC_BYTES ? null : Arrays.copyOf(frame, frame.length - MAC_BYTES);
  }

  /** Whether {@code frame} was sealed under {@code key} in {@code domain} (compared in constant time). */
  static boolean verify(byte[] key, String domain, byte[] frame) {
    if (key == null || frame.length <= MAC_BYTES) return false;
    byte[] body = Arrays.copyOf(frame, frame.length - MAC_BYTES);
    byte[] mac = hmac(key, (domain + "\n").getBytes(StandardCharsets.UTF_8), body);
    return MessageDigest.isEqual(mac, Arrays.copyOfRange(frame, frame.length - MAC_BYTES, frame.length));
  }
}
