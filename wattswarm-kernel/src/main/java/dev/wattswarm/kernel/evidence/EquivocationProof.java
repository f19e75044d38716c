package dev.wattswarm.kernel.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.codec.EventCodec;
import dev.wattswarm.kernel.crypto.Ed25519;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Proof that an author signed two different events at one position of one of its lanes: both
 * signed events, whole. Anyone can check it without trusting whoever published it, which is what
 * lets every node hold the same evidence against the author, whichever branch its store kept.
 *
 * @param author the equivocating author's node id
 * @param scope the lane's scope
 * @param seq the lane position signed twice
 * @param first the smaller of the two event ids (hex)
 * @param second the larger
 */
public record EquivocationProof(String author, String scope, long seq, String first, String second) {
  /** The payload of an {@code evidence.equivocation} event: the two events, in id order. */
  public static ObjectNode payload(Event a, Event b) {
    Event lo = a.id().hex().compareTo(b.id().hex()) <= 0 ? a : b;
    Event hi = lo == a ? b : a;
    ObjectNode o = CanonicalJson.object();
    o.put("author", a.author().toString()).put("scope", a.scope().toString()).put("seq", a.laneSeq());
    o.put("a", Base64.getEncoder().encodeToString(lo.encoded()));
    o.put("b", Base64.getEncoder().encodeToString(hi.encoded()));
    return o;
  }

  /**
   * Checks a proof: both events decode, hash to their ids, carry their author's signature, belong
   * to {@code networkId}, and sit at the same lane position with different ids.
   *
   * @return the proof, or empty with nothing proven
   */
  public static Optional<EquivocationProof> check(JsonNode payload, String networkId) {
    try {
      Event a = EventCodec.decode(Base64.getDecoder().decode(payload.path("a").asText()));
      Event b = EventCodec.decode(Base64.getDecoder().decode(payload.path("b").asText()));
      if (!signed(a, networkId) || !signed(b, networkId)) return Optional.empty();
      if (!a.author().equals(b.author()) || !a.scope().equals(b.scope()) || a.laneSeq() != b.laneSeq()) return Optional.empty();
      if (a.id().equals(b.id())) return Optional.empty();
      String x = a.id().hex(), y = b.id().hex();
      return Optional.of(new EquivocationProof(a.author().toString(), a.scope().toString(), a.laneSeq(),
          x.compareTo(y) < 0 ? x : y, x.compareTo(y) < 0 ? y : x));
    } catch (RuntimeException malformed) {
      return Optional.empty();
    }
  }

  private static boolean signed(Event e, String networkId) {
    if (!e.networkId().equals(networkId)) return false;
    byte[] id = Hashes.sha256(e.encoded(), 0, EventCodec.unsignedLength(e));
    return Arrays.equals(id, e.id().bytes()) && Ed25519.verify(e.author().keyBytes(), id, e.signature());
  }
}
