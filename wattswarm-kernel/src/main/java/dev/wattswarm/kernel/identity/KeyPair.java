package dev.wattswarm.kernel.identity;

import dev.wattswarm.kernel.crypto.Ed25519;
import java.security.SecureRandom;

/** An Ed25519 signing identity. The secret never leaves this object except to be persisted. */
public final class KeyPair {
  private final byte[] secret;
  private final byte[] pub;
  private final NodeId id;

  public KeyPair(byte[] secret) {
    this.secret = secret.clone();
    this.pub = Ed25519.publicKey(this.secret);
    this.id = new NodeId(pub);
  }

  public static KeyPair generate(SecureRandom random) {
    return new KeyPair(Ed25519.newSecretKey(random));
  }

  public NodeId id() {
    return id;
  }

  public byte[] sign(byte[] message) {
    return Ed25519.sign(secret, pub, message);
  }

  public byte[] secretForStorage() {
    return secret.clone();
  }
}
