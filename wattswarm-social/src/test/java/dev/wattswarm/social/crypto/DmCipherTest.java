package dev.wattswarm.social.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DmCipherTest {
  final SecureRandom random = new SecureRandom();
  final AgreementKey alice = AgreementKey.generate(random);
  final AgreementKey bob = AgreementKey.generate(random);
  final byte[] text = "meet at noon".getBytes(StandardCharsets.UTF_8);

  @Test
  void bothPartiesDeriveTheSameSecretAndOpenEachOthersMessages() throws Exception {
    byte[] ab = alice.agree(bob.publicKey());
    assertThat(bob.agree(alice.publicKey())).isEqualTo(ab);
    DmCipher.Sealed s = DmCipher.seal(ab, "d1", "A", "B", 7, text, random);
    assertThat(new String(s.ciphertext(), StandardCharsets.ISO_8859_1)).doesNotContain("noon");
    assertThat(s.ciphertext()).hasSize(text.length + DmCipher.TAG_BYTES);
    assertThat(DmCipher.open(bob.agree(alice.publicKey()), "d1", "A", "B", 7, s)).isEqualTo(text);
  }

  @Test
  void aCiphertextMovedToAnotherThreadDirectionOrPositionDoesNotOpen() {
    byte[] k = alice.agree(bob.publicKey());
    DmCipher.Sealed s = DmCipher.seal(k, "d1", "A", "B", 7, text, random);
    assertThatThrownBy(() -> DmCipher.open(k, "d1", "A", "B", 8, s)).isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> DmCipher.open(k, "d1", "B", "A", 7, s)).isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> DmCipher.open(k, "d2", "A", "B", 7, s)).isInstanceOf(GeneralSecurityException.class);
    byte[] other = AgreementKey.generate(random).agree(bob.publicKey());
    assertThatThrownBy(() -> DmCipher.open(other, "d1", "A", "B", 7, s)).isInstanceOf(GeneralSecurityException.class);
    byte[] flipped = s.ciphertext().clone();
    flipped[0] ^= 1;
    assertThatThrownBy(() -> DmCipher.open(k, "d1", "A", "B", 7, new DmCipher.Sealed(s.salt(), flipped)))
        .isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> DmCipher.open(k, "d1", "A", "B", 7, new DmCipher.Sealed(new byte[3], s.ciphertext())))
        .isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void theSameTextAtTheSamePositionNeverGivesTheSameCiphertext() {
    byte[] k = alice.agree(bob.publicKey());
    // a sender that lost its log reuses a sequence number: the per-message key still differs
    DmCipher.Sealed one = DmCipher.seal(k, "d1", "A", "B", 1, text, random);
    DmCipher.Sealed two = DmCipher.seal(k, "d1", "A", "B", 1, text, random);
    assertThat(one.ciphertext()).isNotEqualTo(two.ciphertext());
  }

  @Test
  void aLowOrderPeerKeyIsRefused() {
    assertThatThrownBy(() -> alice.agree(new byte[32])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("low order");
    assertThatThrownBy(() -> alice.agree(new byte[31])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theKeyFileIsKeptPrivateAndADamagedOneIsAnErrorNotANewKey(@TempDir Path dir) throws Exception {
    Path f = dir.resolve(AgreementKey.FILE);
    AgreementKey k = AgreementKey.loadOrCreate(f, random);
    assertThat(AgreementKey.loadOrCreate(f, random).publicKey()).isEqualTo(k.publicKey());
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    Files.write(f, new byte[5]);
    assertThatThrownBy(() -> AgreementKey.loadOrCreate(f, random)).hasMessageContaining("damaged");
  }
}
