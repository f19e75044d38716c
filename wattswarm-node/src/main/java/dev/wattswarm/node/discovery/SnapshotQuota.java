package dev.wattswarm.node.discovery;

import dev.wattswarm.kernel.identity.NodeId;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One snapshot per peer per interval: a snapshot is the largest answer discovery gives, and a
 * neighbour has no reason to ask more often than its refresh round. Bounded: the peers least
 * recently served are forgotten first. Thread-safe.
 */
public final class SnapshotQuota {
  static final int MAX_PEERS = 1024;

  private final long intervalMs;
  private final Clock clock;
  private final LinkedHashMap<NodeId, Long> last = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<NodeId, Long> eldest) {
      return size() > MAX_PEERS;
    }
  };

  public SnapshotQuota(long intervalMs, Clock clock) {
    this.intervalMs = intervalMs;
    this.clock = clock;
  }

  public synchronized boolean allow(NodeId peer) {
    long now = clock.millis();
    Long prev = last.get(peer);
    if (prev != null && now - prev < intervalMs && now >= prev) return false;
    last.put(peer, now);
    return true;
  }
}
