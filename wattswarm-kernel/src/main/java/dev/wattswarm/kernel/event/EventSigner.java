package dev.wattswarm.kernel.event;

import dev.wattswarm.kernel.codec.EventCodec;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
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

  public Event sign(Scope scope, EventKind kind, String type, String taskId, JsonNode payload) {
    return signRaw(scope, kind, type, taskId, CanonicalJson.encode(payload));
  }

  public Event signRaw(Scope scope, EventKind kind, String type, String taskId, byte[] payload) {
    return complete(prepare(scope, kind, type, taskId, payload));
  }

  /**
   * An event with its lane position, clock and id fixed but not yet signed. The chain links ids,
   * not signatures, so events can be prepared in order and signed in parallel afterwards.
   */
  public record Prepared(byte[] unsigned, EventId id, String networkId, NodeId author, Scope scope, EventKind kind,
      String type, String taskId, long clock, long laneSeq, EventId prev, long createdAtMs, byte[] payload) {}

  /** Assigns the next lane sequence, prev and clock. Cheap; the caller must append in this order. */
  public synchronized Prepared prepare(Scope scope, EventKind kind, String type, String taskId, byte[] payload) {
    LaneHead head = lanes.getOrDefault(scope, LaneHead.EMPTY);
    long seq = head.seq() + 1;
    long lc = ++lamport;
    long now = clock.millis();
    String task = taskId == null ? "" : taskId;
    byte[] unsigned = EventCodec.encodeUnsigned(
        networkId, key.id(), scope, kind, type, task, lc, seq, head.id(), now, payload);
    EventId id = new EventId(Hashes.sha256(unsigned));
    lanes.put(scope, new LaneHead(seq, id));
    return new Prepared(unsigned, id, networkId, key.id(), scope, kind, type, task, lc, seq, head.id(), now, payload);
  }

  /** Signs a prepared event: the expensive step, safe to run on any thread. */
  public Event complete(Prepared p) {
    byte[] sig = key.sign(p.id().bytes());
    return new Event(p.id(), p.networkId(), p.author(), p.scope(), p.kind(), p.type(), p.taskId(), p.clock(),
        p.laneSeq(), p.prev(), p.createdAtMs(), p.payload(), sig, EventCodec.signedForm(p.unsigned(), p.id(), sig));
  }

  public KeyPair key() {
    return key;
  }

  public String networkId() {
    return networkId;
  }
}
