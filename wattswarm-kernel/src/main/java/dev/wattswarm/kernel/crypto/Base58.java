package dev.wattswarm.kernel.crypto;

import java.math.BigInteger;
import java.util.Arrays;

/** Bitcoin-alphabet base58, used for did:key-style multibase identifiers. */
public final class Base58 {
  private static final char[] ALPHABET =
      "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".toCharArray();
  private static final int[] INDEX = new int[128];
  private static final BigInteger BASE = BigInteger.valueOf(58);

  static {
    Arrays.fill(INDEX, -1);
    for (int i = 0; i < ALPHABET.length; i++) INDEX[ALPHABET[i]] = i;
  }

  private Base58() {}

  public static String encode(byte[] input) {
    int zeros = 0;
    while (zeros < input.length && input[zeros] == 0) zeros++;
    StringBuilder sb = new StringBuilder();
    BigInteger n = new BigInteger(1, input);
    while (n.signum() > 0) {
      BigInteger[] qr = n.divideAndRemainder(BASE);
      sb.append(ALPHABET[qr[1].intValue()]);
      n = qr[0];
    }
    for (int i = 0; i < zeros; i++) sb.append(ALPHABET[0]);
    return sb.reverse().toString();
  }

  /** @throws IllegalArgumentException on a character outside the alphabet */
  public static byte[] decode(String s) {
    BigInteger n = BigInteger.ZERO;
    int zeros = 0;
    while (zeros < s.length() && s.charAt(zeros) == ALPHABET[0]) zeros++;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int d = c < 128 ? INDEX[c] : -1;
      if (d < 0) throw new IllegalArgumentException("invalid base58 character '" + c + "' at " + i);
      n = n.multiply(BASE).add(BigInteger.valueOf(d));
    }
    byte[] body = n.signum() == 0 ? new byte[0] : n.toByteArray();
    int strip = body.length > 1 && body[0] == 0 ? 1 : 0;
    byte[] out = new byte[zeros + body.length - strip];
    System.arraycopy(body, strip, out, zeros, body.length - strip);
    return out;
  }
}
