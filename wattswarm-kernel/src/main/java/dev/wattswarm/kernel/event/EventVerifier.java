package dev.wattswarm.kernel.event;

import dev.wattswarm.kernel.codec.EventCodec;
import dev.wattswarm.kernel.crypto.Ed25519;
import dev.wattswarm.kernel.crypto.Hashes;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks what an event says about itself: network, size, type, id and signature. Lane continuity
 * needs the log and is checked by the store.
 *
 * <p>Signature checks dominate cost (~85 us against ~1 us for the hash), so (id, signature) pairs
 * that passed are remembered in a bounded map and never checked again: an event arriving by gossip
 * and again by backfill costs one verification. The id is always re-hashed, so a cached entry
 * vouches only for the exact bytes that were verified.
 */
public final class EventVerifier {
  private final String networkId;
  private final EventLimits limits;
  private final EventTypes types;
  private final Map<EventId, byte[]> verified;
  private final AtomicLong signatureChecks = new AtomicLong();

  /** @param networkId the only network accepted, or null to accept any (log verification) */
  public EventVerifier(String networkId, EventLimits limits, EventTypes types, int cacheSize) {
    this.networkId = networkId;
    this.limits = limits;
    this.types = types;
    this.verified =
        new LinkedHashMap<>(1024, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<EventId, byte[]> e) {
            return size() > cacheSize;
          }
        };
  }

  /** @throws EventRejectedException with the first reason the event fails */
  public void verify(Event e) {
    if (networkId != null && !networkId.equals(e.networkId())) {
      throw new EventRejectedException(RejectReason.WRONG_NETWORK,
          "event is for network '" + e.networkId() + "', this node is on '" + networkId + "'");
    }
    if (e.payload().length > limits.maxPayloadBytes()) {
      throw new EventRejectedException(RejectReason.PAYLOAD_TOO_LARGE,
          "payload is " + e.payload().length + " bytes, cap is " + limits.maxPayloadBytes());
    }
    if (!types.isKnown(e.type())) {
      throw new EventRejectedException(RejectReason.UNKNOWN_TYPE, "type '" + e.type() + "' is not known");
    }
    byte[] id = Hashes.sha256(e.encoded(), 0, EventCodec.unsignedLength(e));
    if (!Arrays.equals(id, e.id().bytes())) {
      throw new EventRejectedException(RejectReason.BAD_ID,
          "claimed id " + e.id().hex() + " but content hashes to " + Hashes.hex(id));
    }
    byte[] known;
    synchronized (verified) {
      known = verified.get(e.id());
    }
    if (known != null && Arrays.equals(known, e.signature())) return;
    signatureChecks.incrementAndGet();
    if (!Ed25519.verify(e.author().keyBytes(), id, e.signature())) {
      throw new EventRejectedException(RejectReason.BAD_SIGNATURE, "signature by " + e.author() + " does not verify");
    }
    synchronized (verified) {
      verified.put(e.id(), e.signature());
    }
  }

  /** How many signature verifications actually ran (for tests and metrics). */
  public long signatureChecks() {
    return signatureChecks.get();
  }

  public String networkId() {
    return networkId;
  }

  public EventLimits limits() {
    return limits;
  }

  public EventTypes types() {
    return types;
  }
}
