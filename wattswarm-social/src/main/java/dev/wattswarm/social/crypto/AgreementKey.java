package dev.wattswarm.social.crypto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * The node's X25519 key agreement key, kept in {@code dm.key} (mode 0600) beside the node key. A
 * key of its own rather than one derived from the signing key: each key serves one algorithm.
 * A damaged file is an error, never a silent new key (peers hold the old public key).
 */
public final class AgreementKey {
  public static final String FILE = "dm.key";
  private final byte[] secret;
  private final byte[] pub = new byte[X25519.POINT_SIZE];

  public AgreementKey(byte[] secret) {
    if (secret.length != X25519.SCALAR_SIZE) throw new IllegalArgumentException("an X25519 secret is 32 bytes");
    this.secret = secret.clone();
    X25519.generatePublicKey(this.secret, 0, pub, 0);
  }

  public static AgreementKey generate(SecureRandom random) {
    byte[] k = new byte[X25519.SCALAR_SIZE];
    X25519.generatePrivateKey(random, k);
    return new AgreementKey(k);
  }

  public static AgreementKey loadOrCreate(Path file, SecureRandom random) {
    try {
      if (Files.exists(file)) {
        byte[] b = Files.readAllBytes(file);
        if (b.length != X25519.SCALAR_SIZE) {
          throw new IllegalStateException(file + " is damaged (" + b.length + " bytes, want 32); restore it from a"
              + " backup, or delete it to make a new key (accepted peers must then relate again)");
        }
        return new AgreementKey(b);
      }
      AgreementKey k = generate(random);
      Files.write(file, k.secret, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // best effort off POSIX file systems
      }
      return k;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read or create " + file + ": " + e.getMessage(), e);
    }
  }

  public byte[] publicKey() {
    return pub.clone();
  }

  /**
   * The shared secret with {@code peerPublic}.
   *
   * @throws IllegalArgumentException for a low-order peer key (the agreement would be all zeros)
   */
  public byte[] agree(byte[] peerPublic) {
    if (peerPublic.length != X25519.POINT_SIZE) throw new IllegalArgumentException("an X25519 public key is 32 bytes");
    byte[] out = new byte[X25519.POINT_SIZE];
    if (!X25519.calculateAgreement(secret, 0, peerPublic, 0, out, 0)) {
      throw new IllegalArgumentException("peer's X25519 key is of low order: refused");
    }
    return out;
  }
}
