package dev.wattswarm.nats;

import dev.wattswarm.kernel.crypto.Ed25519;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A body followed by its Ed25519 signature. The signed bytes start with a domain string (what the
 * message is, and in which network), so a signature made for one purpose or network never passes
 * for another.
 */
final class Signed {
  static final int SIG = Ed25519.SIGNATURE_SIZE;

  private Signed() {}

  static byte[] sign(KeyPair key, String domain, byte[] body) {
    byte[] sig = key.sign(message(domain, body));
    byte[] out = Arrays.copyOf(body, body.length + SIG);
    System.arraycopy(sig, 0, out, body.length, SIG);
    return out;
  }

  /** The body of {@code frame}, or null when it is too short to hold a signature. */
  static byte[] body(byte[] frame) {
    return frame.length <= SIG ? null : Arrays.copyOf(frame, frame.length - SIG);
  }

  static boolean verify(NodeId signer, String domain, byte[] frame) {
    if (frame.length <= SIG) return false;
    byte[] body = Arrays.copyOf(frame, frame.length - SIG);
    byte[] sig = Arrays.copyOfRange(frame, frame.length - SIG, frame.length);
    return Ed25519.verify(signer.keyBytes(), message(domain, body), sig);
  }

  private static byte[] message(String domain, byte[] body) {
    byte[] d = (domain + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] m = Arrays.copyOf(d, d.length + body.length);
    System.arraycopy(body, 0, m, d.length, body.length);
    return m;
  }
}
