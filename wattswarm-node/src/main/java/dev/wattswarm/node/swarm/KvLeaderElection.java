package dev.wattswarm.node.swarm;

import dev.wattswarm.kernel.identity.KeyPair;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader lease in the network's JetStream KV bucket, key {@code leader}. Every write is
 * revision-checked: a node renews or takes over only if the entry is still the revision it read,
 * so of two nodes racing for an expired lease exactly one wins, and a leader whose renewal fails
 * (someone took over, or NATS is out of reach) stops acting when its own lease runs out. Entries
 * are signed like the p2p lease: whoever can write the bucket can deny service, not forge a
 * leader. Rounds run every quarter lease.
 */
public final class KvLeaderElection implements LeaderElection {
  private static final Logger log = LoggerFactory.getLogger(KvLeaderElection.class);
  static final String KEY = "leader";

  private final KeyValue kv;
  private final KeyPair key;
  private final String network;
  private final Clock clock;
  private final long leaseMs;
  private final ScheduledExecutorService timer;
  private volatile LeaseRecord seen;
  /** Our term and until when we may act under it (the expiry we wrote); -1 when not leader. */
  private volatile long myTerm = -1;
  private volatile long myUntil;
  private long maxTerm;

  public KvLeaderElection(KeyValue kv, KeyPair key, String network, Clock clock, long leaseMs, boolean startTimer) {
    this.kv = kv;
    this.key = key;
    this.network = network;
    this.clock = clock;
    this.leaseMs = leaseMs;
    this.timer = startTimer ? Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("ws-leader").daemon(true).unstarted(r))
        : null;
    if (timer != null) timer.scheduleWithFixedDelay(this::safeRound, 0, Math.max(100, leaseMs / 4), TimeUnit.MILLISECONDS);
  }

  private void safeRound() {
    try {
      round();
    } catch (RuntimeException e) {
      log.debug("leader round failed: {}", e.getMessage());
    }
  }

  /** One round: read the entry; renew ours, take over an expired one, or follow the holder. */
  public synchronized void round() {
    long now = clock.millis();
    KeyValueEntry e;
    try {
      e = kv.get(KEY);
    } catch (Exception ex) {
      return; // out of reach: our lease (if any) runs out by itself
    }
    LeaseRecord r = null;
    if (e != null && e.getValue() != null && e.getValue().length > 0) {
      try {
        r = LeaseRecord.verify(e.getValue(), network);
      } catch (IllegalArgumentException bad) {
        log.warn("the leader entry on NATS is not valid ({}); replacing it", bad.getMessage());
      }
    }
    if (r != null) maxTerm = Math.max(maxTerm, r.term());
    if (r != null && r.leader().equals(key.id()) && r.term() == myTerm && now < r.expiresAtMs()) {
      write(new LeaseRecord(key.id(), r.term(), now + leaseMs, network), e.getRevision(), now);
      return;
    }
    if (r == null || now >= r.expiresAtMs()) {
      LeaseRecord next = new LeaseRecord(key.id(), maxTerm + 1, now + leaseMs, network);
      if (e == null) create(next, now);
      else write(next, e.getRevision(), now);
      return;
    }
    if (myTerm != -1 && myTerm != r.term()) log.info("leader: stepping down from term {}; {} holds term {}", myTerm, r.leader(), r.term());
    if (!r.leader().equals(key.id()) || r.term() != myTerm) myTerm = -1;
    seen = r;
  }

  private void create(LeaseRecord next, long now) {
    try {
      kv.create(KEY, next.sign(key));
      won(next, now);
    } catch (JetStreamApiException lost) {
      myTerm = -1;
    } catch (Exception ex) {
      // out of reach
    }
  }

  private void write(LeaseRecord next, long revision, long now) {
    try {
      kv.update(KEY, next.sign(key), revision);
      won(next, now);
    } catch (JetStreamApiException lost) {
      // someone wrote first: we hold nothing until we read who
      myTerm = -1;
    } catch (Exception ex) {
      // out of reach: keep what we had; it expires by itself
    }
  }

  private void won(LeaseRecord next, long now) {
    if (next.term() != myTerm) log.info("leader: this node leads, term {}", next.term());
    myTerm = next.term();
    myUntil = next.expiresAtMs();
    maxTerm = Math.max(maxTerm, next.term());
    seen = next;
  }

  @Override
  public Lease current() {
    LeaseRecord r = seen;
    return r == null || clock.millis() >= r.expiresAtMs() ? NONE : r.lease();
  }

  @Override
  public long heldTerm() {
    // a margin of a quarter lease: a follower takes over only once the lease has fully run out by its clock
    return myTerm != -1 && clock.millis() < myUntil - leaseMs / 4 ? myTerm : -1;
  }

  @Override
  public String kind() {
    return "nats-kv";
  }

  @Override
  public synchronized void close() {
    if (timer != null) timer.shutdownNow();
    if (myTerm == -1) return;
    // hand over at once: an expired lease under our term, written only if still ours
    try {
      KeyValueEntry e = kv.get(KEY);
      if (e != null) {
        LeaseRecord r = LeaseRecord.verify(e.getValue(), network);
        if (r.leader().equals(key.id()) && r.term() == myTerm) {
          kv.update(KEY, new LeaseRecord(key.id(), myTerm, clock.millis(), network).sign(key), e.getRevision());
        }
      }
    } catch (Exception ignored) {
      // the lease runs out by itself
    }
    myTerm = -1;
  }
}
