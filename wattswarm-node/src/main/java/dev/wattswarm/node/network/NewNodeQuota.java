package dev.wattswarm.node.network;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A budget of new node ids per source (a peer, or a client address): a token bucket each, filled
 * by the passing of time on the caller's clock, so a test can hold time still. The map of sources
 * is bounded, least recently seen first out. Thread-safe.
 */
public final class NewNodeQuota {
  private final int burst;
  private final long refillMs;
  private final int maxSources;
  private final LinkedHashMap<String, double[]> buckets;

  public NewNodeQuota(int burst, long refillMs, int maxSources) {
    this.burst = burst;
    this.refillMs = refillMs;
    this.maxSources = maxSources;
    this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
        return size() > NewNodeQuota.this.maxSources;
      }
    };
  }

  /** Spends one new node id from {@code source}'s budget; false when it is used up. */
  public synchronized boolean take(String source, long nowMs) {
    // {tokens, last refill time}
    double[] b = buckets.computeIfAbsent(source, s -> new double[] {burst, nowMs});
    if (nowMs > b[1]) {
      b[0] = Math.min(burst, b[0] + (nowMs - b[1]) / (double) refillMs);
      b[1] = nowMs;
    }
    if (b[0] < 1) return false;
    b[0] -= 1;
    return true;
  }

  public synchronized int sources() {
    return buckets.size();
  }
}
