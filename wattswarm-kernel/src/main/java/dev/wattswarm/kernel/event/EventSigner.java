package dev.wattswarm.kernel.event;

import dev.wattswarm.kernel.codec.EventCodec;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Authors events for one identity: assigns the next lane sequence and prev per scope and advances
 * the Lamport clock. Owns its lane state; callers must seed it from the store's lane heads on start
 * and must append what it signs in signing order, or the lane will have a gap.
 */
public final class EventSigner {
  private final KeyPair key;
  private final String networkId;
  private final Clock clock;
  private final Map<Scope, LaneHead> lanes = new HashMap<>();
  private long lamport;

  public EventSigner(KeyPair key, String networkId, Clock clock) {
    this.key = key;
    this.networkId = networkId;
    this.clock = clock;
  }

  /** Resume a lane after restart. */
  public synchronized void seed(Scope scope, LaneHead head) {
    lanes.put(scope, head);
  }

  /** Advance the Lamport clock past an observed event so what we sign next orders after it. */
  public synchronized void observe(long remoteClock) {
    if (remoteClock > lamport) lamport = remoteClock;
  }

  public synchronized Event sign(Scope scope, EventKind kind, String type, String taskId, JsonNode payload) {
    return signRaw(scope, kind, type, taskId, CanonicalJson.encode(payload));
  }

  public synchronized Event signRaw(Scope scope, EventKind kind, String type, String taskId, byte[] payload) {
    LaneHead head = lanes.getOrDefault(scope, LaneHead.EMPTY);
    long seq = head.seq() + 1;
    long lc = ++lamport;
    long now = clock.millis();
    String task = taskId == null ? "" : taskId;
    byte[] unsigned = EventCodec.encodeUnsigned(
        networkId, key.id(), scope, kind, type, task, lc, seq, head.id(), now, payload);
    EventId id = new EventId(Hashes.sha256(unsigned));
    byte[] sig = key.sign(id.bytes());
    Event e = new Event(id, networkId, key.id(), scope, kind, type, task, lc, seq, head.id(), now,
        payload, sig, EventCodec.signedForm(unsigned, id, sig));
    lanes.put(scope, new LaneHead(seq, id));
    return e;
  }

  public KeyPair key() {
    return key;
  }

  public String networkId() {
    return networkId;
  }
}
