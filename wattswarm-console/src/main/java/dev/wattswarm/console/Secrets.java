package dev.wattswarm.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Random bearer secrets and the digests they are stored under. Only digests are kept in memory
 * maps, so a lookup's timing says nothing useful about the secret, and a heap dump holds no
 * usable code or session id.
 */
final class Secrets {
  /** 32 random bytes in unpadded base64url: 43 characters. */
  static final int LENGTH = 43;

  private Secrets() {}

  static String fresh(SecureRandom random) {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Whether {@code s} could be a secret made by {@link #fresh}; anything else is refused before hashing. */
  static boolean wellFormed(String s) {
    if (s == null || s.length() != LENGTH) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok) return false;
    }
    return true;
  }

  static String digest(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /** Constant-time equality, so a guess learns nothing from how long the comparison took. */
  static boolean same(String a, String b) {
    if (a == null || b == null) return false;
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
