package dev.wattswarm.kernel.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.codec.EventCodec;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventId;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventSigner;
import dev.wattswarm.kernel.event.LaneHead;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Real kernel events for task tests: each author signs through its own {@link EventSigner} (its
 * own lane, its own Lamport clock, advanced past what it saw by {@link Author#observe}), at a wall
 * time the test sets. A lying author can also {@link Author#forge} an event with any Lamport clock
 * it likes, still correctly chained into its lane and signed.
 *
 * <p>An author made with {@code sign = false} goes through the same {@link EventSigner#prepare}
 * (same lane, prev, clock and id) but leaves the Ed25519 signature zero: projectors never read it,
 * and at ~60 us a signature it would dominate a property test that builds hundreds of thousands of
 * events.
 */
final class SignedAuthors {
  static final String NET = "local:test";

  private SignedAuthors() {}

  /** Deterministic keys, generated once: key generation is as expensive as a signature. */
  private static final KeyPair[] KEYS = new KeyPair[8];

  static synchronized KeyPair key(int i) {
    if (KEYS[i] == null) {
      try {
        SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
        r.setSeed(0x5EED_0000L + i);
        KEYS[i] = KeyPair.generate(r);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return KEYS[i];
  }

  static int keyCount() {
    return KEYS.length;
  }

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    long now;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public long millis() {
      return now;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(now);
    }
  }

  /** One node signing into the global scope. */
  static final class Author {
    final KeyPair key;
    final String id;
    final TestClock clock = new TestClock();
    final EventSigner signer;
    private LaneHead head = LaneHead.EMPTY;
    private long lamport;
    private final boolean realSignatures;

    Author(KeyPair key) {
      this(key, true);
    }

    Author(KeyPair key, boolean realSignatures) {
      this.realSignatures = realSignatures;
      this.key = key;
      this.id = key.id().toString();
      this.signer = new EventSigner(key, NET, clock);
    }

    /** What a node does for every event it receives. */
    void observe(Event e) {
      signer.observe(e.clock());
      lamport = Math.max(lamport, e.clock());
    }

    Event sign(String type, String taskId, JsonNode payload, long atMs) {
      return sign(Scope.GLOBAL, type, taskId, payload, atMs);
    }

    Event sign(Scope scope, String type, String taskId, JsonNode payload, long atMs) {
      clock.now = atMs;
      EventSigner.Prepared p = signer.prepare(scope, EventKind.EVENTS, type, taskId, CanonicalJson.encode(payload));
      Event e = realSignatures ? signer.complete(p) : unsigned(p.unsigned(), p.id(), p.scope(), p.type(), p.taskId(),
          p.clock(), p.laneSeq(), p.prev(), p.createdAtMs(), p.payload());
      if (scope.equals(Scope.GLOBAL)) head = new LaneHead(e.laneSeq(), e.id());
      lamport = Math.max(lamport, e.clock());
      return e;
    }

    /** An event in the global lane with a Lamport clock of the author's choosing (a faulty or lying author). */
    Event forge(long lamportClock, String type, String taskId, JsonNode payload, long atMs) {
      long seq = head.seq() + 1;
      byte[] bytes = CanonicalJson.encode(payload);
      byte[] unsigned = EventCodec.encodeUnsigned(NET, key.id(), Scope.GLOBAL, EventKind.EVENTS, type, taskId,
          lamportClock, seq, head.id(), atMs, bytes);
      EventId id = new EventId(Hashes.sha256(unsigned));
      Event e = unsigned(unsigned, id, Scope.GLOBAL, type, taskId, lamportClock, seq, head.id(), atMs, bytes);
      head = new LaneHead(seq, id);
      signer.seed(Scope.GLOBAL, head); // honest signing continues the same lane
      return e;
    }

    private Event unsigned(byte[] unsigned, EventId id, Scope scope, String type, String taskId, long clock, long seq,
        EventId prev, long atMs, byte[] payload) {
      byte[] sig = realSignatures ? key.sign(id.bytes()) : new byte[64];
      return new Event(id, NET, key.id(), scope, EventKind.EVENTS, type, taskId, clock, seq, prev, atMs, payload, sig,
          EventCodec.signedForm(unsigned, id, sig));
    }

    /** The highest clock this author has signed or seen. */
    long lamport() {
      return lamport;
    }
  }
}
