package dev.wattswarm.social.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals and opens DM text with ChaCha20-Poly1305 (the JDK's) under a key from the parties' X25519
 * agreement.
 *
 * <p>Nonce discipline: every message gets its own key, HKDF of the shared secret with a fresh
 * 32-byte random salt and the thread and direction as info, so no key ever meets two nonces even
 * if a sender lost its log and reused a sequence number. The nonce is the sender's lane sequence.
 * The associated data binds thread digest, sender, recipient and sequence: a ciphertext copied to
 * another thread, direction or lane position does not open.
 *
 * <p>Not provided: forward secrecy (the agreement keys are long-lived); see docs/social.md.
 */
public final class DmCipher {
  public static final int SALT_BYTES = 32;
  public static final int TAG_BYTES = 16;

  /** What travels: the per-message salt and the ciphertext with its tag. */
  public record Sealed(byte[] salt, byte[] ciphertext) {}

  private DmCipher() {}

  public static Sealed seal(byte[] shared, String digest, String from, String to, long seq, byte[] plaintext,
      SecureRandom random) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    return new Sealed(salt, run(Cipher.ENCRYPT_MODE, shared, salt, digest, from, to, seq, plaintext));
  }

  /** @throws GeneralSecurityException when the ciphertext, its binding or the key is wrong */
  public static byte[] open(byte[] shared, String digest, String from, String to, long seq, Sealed sealed)
      throws GeneralSecurityException {
    if (sealed.salt().length != SALT_BYTES) throw new GeneralSecurityException("salt must be " + SALT_BYTES + " bytes");
    try {
      return run(Cipher.DECRYPT_MODE, shared, sealed.salt(), digest, from, to, seq, sealed.ciphertext());
    } catch (IllegalStateException e) {
      if (e.getCause() instanceof GeneralSecurityException g) throw g;
      throw e;
    }
  }

  private static byte[] run(int mode, byte[] shared, byte[] salt, String digest, String from, String to, long seq,
      byte[] input) {
    String thread = "wattswarm-dm-v1|" + digest + "|" + from + ">" + to;
    byte[] key = Hkdf.sha256(shared, salt, thread.getBytes(StandardCharsets.UTF_8), 32);
    byte[] nonce = ByteBuffer.allocate(12).putInt(0).putLong(seq).array();
    byte[] aad = (thread + "|" + seq).getBytes(StandardCharsets.UTF_8);
    try {
      Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
      c.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
      c.updateAAD(aad);
      return c.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
