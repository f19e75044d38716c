package dev.wattswarm.kernel.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wattswarm.kernel.codec.EventCodec;
import dev.wattswarm.kernel.codec.MalformedEventException;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventCodecAndVerifierTest {
  static final String NET = "local:test";
  final KeyPair key = KeyPair.generate(seeded(1));
  final EventSigner signer = new EventSigner(key, NET, Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC));
  final EventVerifier verifier = new EventVerifier(NET, EventLimits.DEFAULT, EventTypes.kernel(), 1024);

  static SecureRandom seeded(long seed) {
    try {
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(seed);
      return r;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  Event event(String text) {
    return signer.sign(Scope.GLOBAL, EventKind.EVENTS, EventTypes.NODE_STARTED, "", CanonicalJson.object().put("text", text));
  }

  @Test
  void roundTripsThroughTheCanonicalEncoding() {
    Event e = event("hello");
    Event d = EventCodec.decode(e.encoded());
    assertThat(d.id()).isEqualTo(e.id());
    assertThat(d.author()).isEqualTo(key.id());
    assertThat(d.scope()).isEqualTo(Scope.GLOBAL);
    assertThat(d.type()).isEqualTo(EventTypes.NODE_STARTED);
    assertThat(d.laneSeq()).isEqualTo(1);
    assertThat(d.prev()).isEqualTo(EventId.ZERO);
    assertThat(d.payloadJson()).isEqualTo("{\"text\":\"hello\"}");
    verifier.verify(d);
  }

  @Test
  void lanesChainAndClocksAdvance() {
    Event a = event("a");
    Event b = event("b");
    assertThat(b.laneSeq()).isEqualTo(2);
    assertThat(b.prev()).isEqualTo(a.id());
    assertThat(b.clock()).isGreaterThan(a.clock());
  }

  @Test
  void payloadEncodingIsCanonicalWhateverTheKeyOrder() {
    var x = CanonicalJson.parse("{\"b\":1,\"a\":{\"d\":[1,2],\"c\":null}}");
    var y = CanonicalJson.parse("{\"a\":{\"c\":null,\"d\":[1,2]},\"b\":1}");
    assertThat(CanonicalJson.encode(x)).isEqualTo(CanonicalJson.encode(y));
    assertThat(CanonicalJson.encodeString(x)).isEqualTo("{\"a\":{\"c\":null,\"d\":[1,2]},\"b\":1}");
  }

  @Test
  void aFlippedSignatureBitIsRejected() {
    Event e = event("x");
    byte[] bytes = e.encoded().clone();
    bytes[bytes.length - 1] ^= 1;
    assertThatThrownBy(() -> verifier.verify(EventCodec.decode(bytes)))
        .isInstanceOfSatisfying(EventRejectedException.class, r -> assertThat(r.reason()).isEqualTo(RejectReason.BAD_SIGNATURE));
  }

  @Test
  void aTamperedPayloadIsRejectedAsBadId() {
    Event e = event("abc");
    byte[] bytes = e.encoded().clone();
    int at = indexOf(bytes, "abc".getBytes());
    bytes[at] = 'X';
    assertThatThrownBy(() -> verifier.verify(EventCodec.decode(bytes)))
        .isInstanceOfSatisfying(EventRejectedException.class, r -> assertThat(r.reason()).isEqualTo(RejectReason.BAD_ID));
  }

  @Test
  void aSignatureFromAnotherKeyIsRejected() {
    Event e = event("x");
    KeyPair other = KeyPair.generate(seeded(2));
    byte[] forged = EventCodec.signedForm(Arrays.copyOf(e.encoded(), EventCodec.unsignedLength(e)), e.id(), other.sign(e.id().bytes()));
    assertThatThrownBy(() -> verifier.verify(EventCodec.decode(forged)))
        .isInstanceOfSatisfying(EventRejectedException.class, r -> assertThat(r.reason()).isEqualTo(RejectReason.BAD_SIGNATURE));
  }

  @Test
  void oversizedPayloadsAreRejected() {
    EventVerifier strict = new EventVerifier(NET, new EventLimits(256), EventTypes.kernel(), 16);
    Event e = event("y".repeat(300));
    assertThatThrownBy(() -> strict.verify(e))
        .isInstanceOfSatisfying(EventRejectedException.class, r -> assertThat(r.reason()).isEqualTo(RejectReason.PAYLOAD_TOO_LARGE));
  }

  @Test
  void unknownTypesAndOtherNetworksAreRejected() {
    Event e = signer.sign(Scope.GLOBAL, EventKind.EVENTS, "made.up", "", CanonicalJson.object());
    assertThatThrownBy(() -> verifier.verify(e))
        .isInstanceOfSatisfying(EventRejectedException.class, r -> assertThat(r.reason()).isEqualTo(RejectReason.UNKNOWN_TYPE));
    EventVerifier elsewhere = new EventVerifier("local:other", EventLimits.DEFAULT, EventTypes.of(Set.of(EventTypes.NODE_STARTED)), 16);
    assertThatThrownBy(() -> elsewhere.verify(event("z")))
        .isInstanceOfSatisfying(EventRejectedException.class, r -> assertThat(r.reason()).isEqualTo(RejectReason.WRONG_NETWORK));
  }

  @Test
  void theSameEventIsNeverSignatureCheckedTwice() {
    Event e = event("once");
    verifier.verify(EventCodec.decode(e.encoded()));
    verifier.verify(EventCodec.decode(e.encoded()));
    verifier.verify(e);
    assertThat(verifier.signatureChecks()).isEqualTo(1);
  }

  @Test
  void aCachedIdDoesNotVouchForADifferentSignature() {
    Event e = event("once");
    verifier.verify(e);
    byte[] bytes = e.encoded().clone();
    bytes[bytes.length - 5] ^= 0x10;
    assertThatThrownBy(() -> verifier.verify(EventCodec.decode(bytes))).isInstanceOf(EventRejectedException.class);
  }

  @Test
  void truncatedGarbageAndTrailingBytesAreMalformedNotCrashes() {
    Event e = event("t");
    for (int cut : new int[] {0, 1, 5, 40, e.encoded().length - 1}) {
      byte[] part = Arrays.copyOf(e.encoded(), cut);
      assertThatThrownBy(() -> EventCodec.decode(part)).isInstanceOf(MalformedEventException.class);
    }
    byte[] longer = Arrays.copyOf(e.encoded(), e.encoded().length + 3);
    assertThatThrownBy(() -> EventCodec.decode(longer)).isInstanceOf(MalformedEventException.class).hasMessageContaining("trailing");
    var r = seeded(7);
    long seed = 7;
    for (int i = 0; i < 2000; i++) {
      byte[] junk = new byte[r.nextInt(300)];
      r.nextBytes(junk);
      try {
        EventCodec.decode(junk);
      } catch (MalformedEventException expected) {
        // the only acceptable failure
      } catch (RuntimeException other) {
        throw new AssertionError("seed " + seed + " iteration " + i + ": " + other, other);
      }
    }
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    throw new AssertionError("not found");
  }
}
