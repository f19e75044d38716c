package dev.wattswarm.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.junit.jupiter.api.Test;

class PairKeysTest {
  static KeyPair key(Random r) {
    byte[] s = new byte[32];
    r.nextBytes(s);
    return new KeyPair(s);
  }

  @Test
  void theMappedPublicKeyIsTheOneTheScalarGivesAndBothSidesDeriveOneSecret() throws Exception {
    long seed = System.nanoTime();
    System.out.println("PairKeysTest seed=" + seed);
    Random r = new Random(seed);
    for (int i = 0; i < 20; i++) {
      KeyPair a = key(r);
      // independent path: X25519 public key computed from the secret scalar
      byte[] scalar = Arrays.copyOf(MessageDigest.getInstance("SHA-512").digest(a.secretForStorage()), 32);
      byte[] u = new byte[32];
      X25519.scalarMultBase(scalar, 0, u, 0);
      assertThat(PairKeys.montgomery(a.id().keyBytes())).as("seed %d", seed).isEqualTo(u);
      KeyPair b = key(r);
      byte[] ab = new PairKeys(a, "net:x").with(b.id());
      assertThat(new PairKeys(b, "net:x").with(a.id())).isEqualTo(ab);
      assertThat(new PairKeys(a, "net:y").with(b.id())).isNotEqualTo(ab);
      assertThat(new PairKeys(key(r), "net:x").with(b.id())).isNotEqualTo(ab);
    }
  }

  @Test
  void aSealedFrameVerifiesOnlyUnderItsKeyAndDomainAndUntouched() {
    Random r = new Random(7);
    KeyPair a = key(r);
    KeyPair b = key(r);
    byte[] k = new PairKeys(a, "net:x").with(b.id());
    byte[] frame = PairKeys.seal(k, "d", "body".getBytes());
    assertThat(PairKeys.verify(k, "d", frame)).isTrue();
    assertThat(PairKeys.verify(k, "e", frame)).isFalse();
    assertThat(PairKeys.verify(new PairKeys(a, "net:x").with(key(r).id()), "d", frame)).isFalse();
    for (int i = 0; i < frame.length; i++) {
      byte[] t = frame.clone();
      t[i] ^= 1;
      assertThat(PairKeys.verify(k, "d", t)).isFalse();
    }
    assertThat(PairKeys.verify(k, "d", new byte[32])).isFalse();
    assertThat(PairKeys.verify(null, "d", frame)).isFalse();
  }

  @Test
  void idsThatAreNoUsableKeyGiveNoSecret() {
    KeyPair a = key(new Random(3));
    PairKeys pk = new PairKeys(a, "net:x");
    byte[] identity = new byte[32];
    identity[0] = 1; // y = 1: the neutral point, u would divide by zero
    assertThat(pk.with(new NodeId(identity))).isNull();
    byte[] zero = new byte[32]; // y = 0 maps to u = 1, a point of small order: no secret
    assertThat(pk.with(new NodeId(zero))).isNull();
    byte[] big = new byte[32];
    Arrays.fill(big, (byte) 0xff);
    big[31] = 0x7f; // y = 2^255 - 1 >= p: not a canonical encoding
    assertThat(pk.with(new NodeId(big))).isNull();
  }
}
