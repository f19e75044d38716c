package dev.wattswarm.p2p.reach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.p2p.wire.WireReader;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Relayed requests and answers are bound end to end: any change a relay makes breaks the signature. */
class RelayFramesTest {
  final SecureRandom rng = new SecureRandom();
  final KeyPair origin = KeyPair.generate(rng);
  final KeyPair target = KeyPair.generate(rng);
  final KeyPair relay = KeyPair.generate(rng);
  final byte[] id = new byte[RelayFrames.ID_BYTES];

  RelayFrames.Request request() {
    rng.nextBytes(id);
    return RelayFrames.request("net:x", id, origin.id(), target.id(), 8, 1_000, "question".getBytes(), origin::sign);
  }

  @Test
  void aRequestVerifiesOnlyUnchangedAndOnItsNetwork() {
    RelayFrames.Request r = request();
    assertThat(r.verify("net:x")).isTrue();
    assertThat(r.withTtl(3).verify("net:x")).as("hop count is not signed").isTrue();
    assertThat(r.verify("net:y")).isFalse();
    assertThat(new RelayFrames.Request(r.relayId(), origin.id(), relay.id(), 8, 1_000, r.payload(), r.signature()).verify("net:x"))
        .as("moved to another target").isFalse();
    assertThat(new RelayFrames.Request(r.relayId(), origin.id(), target.id(), 8, 1_001, r.payload(), r.signature()).verify("net:x"))
        .as("re-dated").isFalse();
    assertThat(new RelayFrames.Request(r.relayId(), origin.id(), target.id(), 8, 1_000, "other".getBytes(), r.signature())
        .verify("net:x")).as("altered payload").isFalse();
    RelayFrames.Request byRelay = RelayFrames.request("net:x", id, origin.id(), target.id(), 8, 1_000, "q".getBytes(), relay::sign);
    assertThat(byRelay.verify("net:x")).as("signed by a relay in the origin's name").isFalse();
  }

  @Test
  void anAnswerVerifiesOnlyFromTheTargetForThatExchange() {
    RelayFrames.Request r = request();
    RelayFrames.Response good = RelayFrames.response("net:x", r, "answer".getBytes(), target::sign);
    assertThat(good.verify("net:x")).isTrue();
    assertThat(RelayFrames.response("net:x", r, "answer".getBytes(), relay::sign).verify("net:x")).as("relay answers for target")
        .isFalse();
    byte[] other = r.relayId().clone();
    other[0] ^= 1;
    assertThat(new RelayFrames.Response(other, r.origin(), r.target(), good.payload(), good.signature()).verify("net:x"))
        .as("answer moved to another exchange").isFalse();
    assertThat(new RelayFrames.Response(r.relayId(), r.origin(), r.target(), "forged".getBytes(), good.signature()).verify("net:x"))
        .as("altered answer").isFalse();
  }

  @Test
  void framesRoundTripAndMalformedOnesAreRefused() {
    RelayFrames.Request r = request();
    WireReader rd = new WireReader(r.encode());
    rd.u8();
    RelayFrames.Request back = RelayFrames.readRequest(rd, 1 << 20, 8);
    assertThat(back.verify("net:x")).isTrue();
    WireReader tooFar = new WireReader(r.withTtl(9).encode());
    tooFar.u8();
    assertThatThrownBy(() -> RelayFrames.readRequest(tooFar, 1 << 20, 8)).hasMessageContaining("ttl");
    byte[] cut = java.util.Arrays.copyOf(r.encode(), r.encode().length - 10);
    WireReader truncated = new WireReader(cut);
    truncated.u8();
    assertThatThrownBy(() -> RelayFrames.readRequest(truncated, 1 << 20, 8)).isInstanceOf(RuntimeException.class);
    WireReader big = new WireReader(r.encode());
    big.u8();
    assertThatThrownBy(() -> RelayFrames.readRequest(big, 4, 8)).hasMessageContaining("over");
  }

  @Test
  void nacksRoundTripAndMalformedOnesAreRefused() {
    rng.nextBytes(id);
    for (boolean exhaustive : new boolean[] {true, false}) {
      WireReader rd = new WireReader(new RelayFrames.Nack(id, exhaustive).encode());
      assertThat(rd.u8()).isEqualTo(dev.wattswarm.p2p.wire.FrameType.RELAY_NACK);
      RelayFrames.Nack back = RelayFrames.readNack(rd);
      assertThat(back.relayId()).isEqualTo(id);
      assertThat(back.exhaustive()).isEqualTo(exhaustive);
    }
    byte[] good = new RelayFrames.Nack(id, true).encode();
    byte[] badFlag = good.clone();
    badFlag[badFlag.length - 1] = 2;
    WireReader flag = new WireReader(badFlag);
    flag.u8();
    assertThatThrownBy(() -> RelayFrames.readNack(flag)).hasMessageContaining("flag");
    WireReader trailing = new WireReader(java.util.Arrays.copyOf(good, good.length + 1));
    trailing.u8();
    assertThatThrownBy(() -> RelayFrames.readNack(trailing)).hasMessageContaining("trailing");
    WireReader cut = new WireReader(java.util.Arrays.copyOf(good, 5));
    cut.u8();
    assertThatThrownBy(() -> RelayFrames.readNack(cut)).isInstanceOf(RuntimeException.class);
  }
}
