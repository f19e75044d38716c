package dev.wattswarm.node.swarm;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.p2p.Substrate;
import dev.wattswarm.p2p.gossip.Verdict;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader lease without a shared store: signed claims on {@code {network}.global.leader}. With
 * no valid lease in sight a node claims the next term; the holder re-announces its claim every
 * quarter lease. All nodes order valid claims the same way (higher term, then the smaller hash of
 * leader and term, see {@link LeaseRecord#beats}), so concurrent claimants settle on one leader
 * once their claims have crossed. A new leader acts only after a full round under its term (so a
 * better claim has had time to arrive), and never after its own lease expiry: a leader cut off
 * from the swarm stops by its clock, and on reconnecting yields to the higher term it finds.
 */
public final class GossipLeaderElection implements LeaderElection {
  private static final Logger log = LoggerFactory.getLogger(GossipLeaderElection.class);

  private final Substrate substrate;
  private final KeyPair key;
  private final String network;
  private final Clock clock;
  private final long leaseMs;
  private final String topic;
  private final ScheduledExecutorService timer;
  private LeaseRecord best;
  private long maxTerm;
  private long claimedAt;
  private final long startedAt;

  /** @param substrate null for a node without networking: it leads itself */
  public GossipLeaderElection(Substrate substrate, KeyPair key, String network, Clock clock, long leaseMs, boolean startTimer) {
    this.substrate = substrate;
    this.key = key;
    this.network = network;
    this.clock = clock;
    this.leaseMs = leaseMs;
    this.topic = network + ".global.leader";
    this.startedAt = clock.millis();
    if (substrate != null) {
      substrate.subscribe(topic, (from, id, p) -> judge(id, p), (t, id, p, from) -> offer(p));
    }
    this.timer = startTimer ? Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("ws-leader").daemon(true).unstarted(r))
        : null;
    if (timer != null) timer.scheduleWithFixedDelay(this::safeRound, 0, round(), TimeUnit.MILLISECONDS);
  }

  private long round() {
    return Math.max(100, leaseMs / 4);
  }

  private Verdict judge(byte[] id, byte[] payload) {
    if (!java.util.Arrays.equals(id, Hashes.sha256(payload))) return Verdict.reject("id_mismatch");
    try {
      LeaseRecord r = LeaseRecord.verify(payload, network);
      // a lease far in the future would pin a leader past any failure
      if (r.expiresAtMs() > clock.millis() + 2 * leaseMs) return Verdict.reject("lease_too_long");
      return Verdict.ACCEPT;
    } catch (IllegalArgumentException e) {
      return Verdict.reject("lease_" + e.getMessage());
    }
  }

  /** A claim from the swarm (verified again: tests hand bytes in directly). */
  public synchronized void offer(byte[] payload) {
    LeaseRecord r;
    try {
      r = LeaseRecord.verify(payload, network);
    } catch (IllegalArgumentException e) {
      return;
    }
    long now = clock.millis();
    if (r.expiresAtMs() > now + 2 * leaseMs) return;
    maxTerm = Math.max(maxTerm, r.term());
    if (now >= r.expiresAtMs()) return;
    if (best == null || now >= best.expiresAtMs() || r.beats(best)) {
      if (best != null && best.leader().equals(key.id()) && !r.leader().equals(key.id())) {
        log.info("leader: stepping down from term {}; {} holds term {}", best.term(), r.leader(), r.term());
      }
      best = r;
    }
  }

  private void safeRound() {
    try {
      tick();
    } catch (RuntimeException e) {
      log.debug("leader round failed: {}", e.getMessage());
    }
  }

  /** One round: claim when no valid lease is known, renew our own, else follow. */
  public synchronized void tick() {
    long now = clock.millis();
    if (best != null && now >= best.expiresAtMs()) best = null;
    LeaseRecord next;
    if (best == null) {
      // a node just started listens for half a lease before claiming: a leader may already be there
      if (substrate != null && now < startedAt + leaseMs / 2) return;
      next = new LeaseRecord(key.id(), maxTerm + 1, now + leaseMs, network);
      claimedAt = now;
      log.info("leader: claiming term {}", next.term());
    } else if (best.leader().equals(key.id())) {
      next = new LeaseRecord(key.id(), best.term(), now + leaseMs, network);
    } else {
      return;
    }
    best = next;
    maxTerm = Math.max(maxTerm, next.term());
    if (substrate != null) {
      byte[] b = next.sign(key);
      substrate.publish(topic, Hashes.sha256(b), b);
    }
  }

  @Override
  public synchronized Lease current() {
    return best == null || clock.millis() >= best.expiresAtMs() ? NONE : best.lease();
  }

  @Override
  public synchronized long heldTerm() {
    long now = clock.millis();
    if (best == null || !best.leader().equals(key.id())) return -1;
    if (now >= best.expiresAtMs() - leaseMs / 4) return -1;
    // settled: our claim has been out for a round without a better one arriving
    if (substrate != null && now < claimedAt + round()) return -1;
    return best.term();
  }

  @Override
  public String kind() {
    return "p2p-gossip";
  }

  @Override
  public void close() {
    if (timer != null) timer.shutdownNow();
  }
}
