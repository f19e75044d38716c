package dev.wattswarm.p2p.limits;

import dev.wattswarm.kernel.identity.NodeId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Strikes, bans and frame rates per peer. A peer's record outlives its links: strikes expire
 * {@code strikeMemoryMs} after the last one and a ban after {@code banMs}, so disconnecting and
 * reconnecting neither clears a record nor buys a fresh burst. Records are bounded in number
 * (least recently seen dropped first) and idle ones are swept. Thread-safe (one lock): the overlay
 * calls it from its scheduler and, for requests, from the links' reader threads.
 */
public final class Penalties {
  private static final class Record {
    TokenBucket bucket;
    int strikes;
    long lastStrike;
    long bannedUntil;
    long lastSeen;
  }

  private final PeerLimits limits;
  private final DefenseCounters counters;
  private final LinkedHashMap<NodeId, Record> peers = new LinkedHashMap<>(64, 0.75f, true);
  private final Map<String, TokenBucket> topicBuckets = new HashMap<>();

  public Penalties(PeerLimits limits) {
    this(limits, new DefenseCounters());
  }

  public Penalties(PeerLimits limits, DefenseCounters counters) {
    this.limits = limits;
    this.counters = counters;
  }

  private Record record(NodeId peer, long now) {
    Record r = peers.get(peer);
    if (r == null) {
      r = new Record();
      r.bucket = new TokenBucket(limits.peerFramesPerSec(), limits.peerBurst(), now);
      peers.put(peer, r);
      if (peers.size() > limits.maxTrackedPeers()) evictOne();
    }
    r.lastSeen = now;
    return r;
  }

  /** Drops the least recently seen record, sparing a banned peer while any other is left. */
  private void evictOne() {
    NodeId victim = null;
    for (var e : peers.entrySet()) {
      if (e.getValue().bannedUntil == 0) {
        victim = e.getKey();
        break;
      }
    }
    if (victim == null) victim = peers.keySet().iterator().next();
    peers.remove(victim);
  }

  /** @return true when this strike bans the peer */
  public synchronized boolean strike(NodeId peer, long now) {
    Record r = record(peer, now);
    if (!strikesLive(r, now)) r.strikes = 0;
    r.strikes++;
    r.lastStrike = now;
    if (r.strikes >= limits.strikesBeforeBan()) {
      r.strikes = 0;
      r.bannedUntil = now + limits.banMs();
      counters.inc("bans");
      return true;
    }
    return false;
  }

  /** Whether {@code peer} is banned or has a strike it has not yet lived down. */
  public synchronized boolean struck(NodeId peer, long now) {
    Record r = peers.get(peer);
    if (r == null) return false;
    return r.bannedUntil > now || strikesLive(r, now);
  }

  /** Whether the record's strikes still count: some, the last within the strike memory. */
  private boolean strikesLive(Record r, long now) {
    return r.strikes > 0 && now - r.lastStrike <= limits.strikeMemoryMs();
  }

  public synchronized boolean banned(NodeId peer, long now) {
    Record r = peers.get(peer);
    if (r == null || r.bannedUntil == 0) return false;
    if (now >= r.bannedUntil) {
      r.bannedUntil = 0;
      return false;
    }
    return true;
  }

  /** Peers banned now. */
  public synchronized Set<NodeId> bannedPeers(long now) {
    Set<NodeId> out = new TreeSet<>();
    for (var e : peers.entrySet()) if (e.getValue().bannedUntil > now) out.add(e.getKey());
    return out;
  }

  /** Whether a frame from {@code peer} fits its rate; counts drops. */
  public synchronized boolean admitFrame(NodeId peer, long now) {
    boolean ok = record(peer, now).bucket.tryTake(now);
    if (!ok) counters.inc("dropped_frames.rate");
    return ok;
  }

  /** Whether a new message on {@code topic} fits the topic's rate; counts drops. */
  public synchronized boolean admitMessage(String topic, long now) {
    boolean ok = topicBuckets.computeIfAbsent(topic, t -> new TokenBucket(limits.topicMessagesPerSec(), limits.topicBurst(), now)).tryTake(now);
    if (!ok) counters.inc("dropped_frames.topic_rate");
    return ok;
  }

  /** An unsubscribed topic keeps no bucket. */
  public synchronized void forgetTopic(String topic) {
    topicBuckets.remove(topic);
  }

  /**
   * Drops records that hold nothing: no live strike, no ban, and idle long enough for the rate
   * bucket to have refilled (so a fresh bucket is exactly what the peer would have had).
   */
  public synchronized void sweep(long now) {
    long refillMs = (long) Math.ceil(limits.peerBurst() * 1000 / limits.peerFramesPerSec());
    peers.values().removeIf(r -> r.bannedUntil <= now
        && !strikesLive(r, now)
        && now - r.lastSeen > refillMs);
  }

  /** Peers with a record now (bounded by {@code maxTrackedPeers}). */
  public synchronized int trackedPeers() {
    return peers.size();
  }

  public long dropped() {
    return counters.get("dropped_frames.rate") + counters.get("dropped_frames.topic_rate");
  }

  public long bans() {
    return counters.get("bans");
  }
}
