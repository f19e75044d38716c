package dev.wattswarm.kernel.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class NodeIdTest {
  @Test
  void printsAsDidKeyAndParsesBack() {
    KeyPair k = KeyPair.generate(new SecureRandom());
    String s = k.id().toString();
    assertThat(s).startsWith("z6Mk");
    assertThat(NodeId.parse(s)).isEqualTo(k.id());
    assertThat(NodeId.parse(k.id().did())).isEqualTo(k.id());
  }

  @Test
  void theSameSecretAlwaysGivesTheSameId() {
    byte[] secret = new byte[32];
    secret[3] = 9;
    assertThat(new KeyPair(secret).id()).isEqualTo(new KeyPair(secret.clone()).id());
  }

  @Test
  void rejectsMalformedIdsWithAReason() {
    assertThatThrownBy(() -> NodeId.parse("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> NodeId.parse("abc")).hasMessageContaining("must start with 'z'");
    assertThatThrownBy(() -> NodeId.parse("z0OIl")).hasMessageContaining("base58");
    assertThatThrownBy(() -> NodeId.parse("z6Mk")).hasMessageContaining("not an Ed25519");
  }
}
