package dev.wattswarm.kernel.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventSigner;
import dev.wattswarm.kernel.event.EventTypes;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.ProjectionDoc;
import dev.wattswarm.kernel.store.ProjectionTx;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EquivocationProofTest {
  static final String NET = "net:test";
  final KeyPair liar = KeyPair.generate(new SecureRandom());
  final KeyPair other = KeyPair.generate(new SecureRandom());

  /** A fresh signer starts the lane at seq 1 again: two of them sign the same position twice. */
  Event signed(KeyPair key, String net, int n, String what) {
    EventSigner s = new EventSigner(key, net, Clock.systemUTC());
    Event e = null;
    for (int i = 0; i < n; i++) e = s.sign(Scope.GLOBAL, EventKind.EVENTS, EventTypes.NODE_STARTED, "", CanonicalJson.object().put(what, i));
    return e;
  }

  @Test
  void twoSignedEventsAtOneLanePositionProveAFork() {
    Event a = signed(liar, NET, 1, "a"), b = signed(liar, NET, 1, "b");
    var proof = EquivocationProof.check(EquivocationProof.payload(a, b), NET).orElseThrow();
    assertThat(proof.author()).isEqualTo(liar.id().toString());
    assertThat(proof.seq()).isEqualTo(1);
    assertThat(proof.first().compareTo(proof.second())).isNegative();
    // the payload is the same whichever order the two were found in
    assertThat(EquivocationProof.payload(b, a)).isEqualTo(EquivocationProof.payload(a, b));
  }

  @Test
  void anythingElseProvesNothing() {
    Event a = signed(liar, NET, 1, "a");
    assertThat(EquivocationProof.check(EquivocationProof.payload(a, a), NET)).as("the same event twice").isEmpty();
    assertThat(EquivocationProof.check(EquivocationProof.payload(a, signed(liar, NET, 2, "b")), NET)).as("two positions").isEmpty();
    assertThat(EquivocationProof.check(EquivocationProof.payload(a, signed(other, NET, 1, "b")), NET)).as("two authors").isEmpty();
    assertThat(EquivocationProof.check(EquivocationProof.payload(signed(liar, "net:other", 1, "a"), signed(liar, "net:other", 1, "b")), NET))
        .as("another network").isEmpty();
    ObjectNode forged = EquivocationProof.payload(a, signed(liar, NET, 1, "b"));
    byte[] bytes = Base64.getDecoder().decode(forged.path("b").asText());
    bytes[bytes.length - 1] ^= 1;
    forged.put("b", Base64.getEncoder().encodeToString(bytes));
    assertThat(EquivocationProof.check(forged, NET)).as("a forged signature").isEmpty();
    assertThat(EquivocationProof.check(CanonicalJson.object().put("a", "not base64!").put("b", ""), NET)).as("garbage").isEmpty();
  }

  /** A projection transaction over a map, enough for one projector. */
  static final class MapTx implements ProjectionTx {
    final Map<String, ProjectionDoc> docs = new HashMap<>();

    public Optional<ProjectionDoc> get(String ns, String key) {
      return Optional.ofNullable(docs.get(ns + "|" + key));
    }

    public void put(String ns, String key, String tag, byte[] doc) {
      docs.put(ns + "|" + key, new ProjectionDoc(ns, key, tag, doc));
    }

    public void delete(String ns, String key) {
      docs.remove(ns + "|" + key);
    }
  }

  @Test
  void theEarliestProvenPositionWinsInAnyOrder() {
    EventSigner publisher = new EventSigner(other, NET, Clock.systemUTC());
    Event at1 = publisher.sign(Scope.GLOBAL, EventKind.EVENTS, EventTypes.EVIDENCE_EQUIVOCATION, "",
        EquivocationProof.payload(signed(liar, NET, 1, "a"), signed(liar, NET, 1, "b")));
    Event at2 = publisher.sign(Scope.GLOBAL, EventKind.EVENTS, EventTypes.EVIDENCE_EQUIVOCATION, "",
        EquivocationProof.payload(signed(liar, NET, 2, "a"), signed(liar, NET, 2, "b")));
    String[] docs = new String[2];
    for (int order = 0; order < 2; order++) {
      MapTx tx = new MapTx();
      EvidenceProjector p = new EvidenceProjector();
      for (Event e : order == 0 ? new Event[] {at1, at2} : new Event[] {at2, at1}) p.apply(e, tx);
      ProjectionDoc d = tx.get(EvidenceProjector.NS, liar.id() + " global").orElseThrow();
      docs[order] = new String(d.doc());
      assertThat(CanonicalJson.parse(d.doc()).path("seq").asLong()).isEqualTo(1);
    }
    assertThat(docs[1]).isEqualTo(docs[0]);
  }
}
