package dev.wattswarm.p2p.limits;

import dev.wattswarm.kernel.identity.NodeId;
import java.util.HashMap;
import java.util.Map;

/** Strikes per peer and the bans they lead to. Single-threaded, on the overlay's scheduler. */
public final class Penalties {
  private final PeerLimits limits;
  private final Map<NodeId, Integer> strikes = new HashMap<>();
  private final Map<NodeId, Long> bannedUntil = new HashMap<>();
  private final Map<NodeId, TokenBucket> peerBuckets = new HashMap<>();
  private final Map<String, TokenBucket> topicBuckets = new HashMap<>();
  private long dropped;
  private long bans;

  public Penalties(PeerLimits limits) {
    this.limits = limits;
  }

  /** @return true when this strike bans the peer */
  public boolean strike(NodeId peer, long now) {
    int s = strikes.merge(peer, 1, Integer::sum);
    if (s >= limits.strikesBeforeBan()) {
      strikes.remove(peer);
      bannedUntil.put(peer, now + limits.banMs());
      bans++;
      return true;
    }
    return false;
  }

  public boolean banned(NodeId peer, long now) {
    Long until = bannedUntil.get(peer);
    if (until == null) return false;
    if (now >= until) {
      bannedUntil.remove(peer);
      return false;
    }
    return true;
  }

  /** Whether a frame from {@code peer} fits its rate; counts drops. */
  public boolean admitFrame(NodeId peer, long now) {
    boolean ok = peerBuckets.computeIfAbsent(peer, p -> new TokenBucket(limits.peerFramesPerSec(), limits.peerBurst(), now)).tryTake(now);
    if (!ok) dropped++;
    return ok;
  }

  /** Whether a new message on {@code topic} fits the topic's rate; counts drops. */
  public boolean admitMessage(String topic, long now) {
    boolean ok = topicBuckets.computeIfAbsent(topic, t -> new TokenBucket(limits.topicMessagesPerSec(), limits.topicBurst(), now)).tryTake(now);
    if (!ok) dropped++;
    return ok;
  }

  public void forget(NodeId peer) {
    peerBuckets.remove(peer);
  }

  public long dropped() {
    return dropped;
  }

  public long bans() {
    return bans;
  }
}
