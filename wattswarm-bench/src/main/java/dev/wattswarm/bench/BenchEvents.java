package dev.wattswarm.bench;

import dev.wattswarm.kernel.codec.EventCodec;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventId;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventTypes;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.json.CanonicalJson;

/**
 * Well-formed, chained events made without signing, for store benchmarks: the store does not check
 * signatures (ingest does, once), so signing here would only measure Ed25519 a second time.
 */
final class BenchEvents {
  private final NodeId author;
  private final byte[] payload;
  private final byte[] fakeSignature = new byte[64];
  private long seq;
  private EventId prev = EventId.ZERO;

  BenchEvents(NodeId author, int payloadBytes) {
    this.author = author;
    String filler = "x".repeat(Math.max(0, payloadBytes - 40));
    this.payload = CanonicalJson.encode(CanonicalJson.object().put("prompt", filler).put("n", 1));
  }

  Event next() {
    seq++;
    byte[] unsigned = EventCodec.encodeUnsigned("local:bench", author, Scope.GLOBAL, EventKind.EVENTS,
        EventTypes.NODE_STARTED, "", seq, seq, prev, 1_700_000_000_000L + seq, payload);
    EventId id = new EventId(Hashes.sha256(unsigned));
    Event e = new Event(id, "local:bench", author, Scope.GLOBAL, EventKind.EVENTS, EventTypes.NODE_STARTED, "",
        seq, seq, prev, 1_700_000_000_000L + seq, payload, fakeSignature,
        EventCodec.signedForm(unsigned, id, fakeSignature));
    prev = id;
    return e;
  }
}
