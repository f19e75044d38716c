package dev.wattswarm.agents;

import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Refuses a signed message seen before or stamped too far from now. A message id is remembered
 * only as long as its timestamp is inside the skew window: after that the timestamp check alone
 * refuses it, so the cache needs no longer memory and stays bounded by traffic within one window.
 * When it is full anyway the new message is refused (fail closed), never let through unchecked.
 */
final class ReplayGuard {
  enum Verdict { FRESH, REPLAYED, STALE, FULL }

  private final Clock clock;
  private final long skewMs;
  private final int capacity;
  /** message id -> when it may be forgotten, in insertion (and so roughly expiry) order */
  private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

  ReplayGuard(Clock clock, long skewMs, int capacity) {
    this.clock = clock;
    this.skewMs = skewMs;
    this.capacity = capacity;
  }

  synchronized Verdict check(String messageId, long atMs) {
    long now = clock.millis();
    if (Math.abs(now - atMs) > skewMs) return Verdict.STALE;
    forgetExpired(now);
    if (seen.containsKey(messageId)) return Verdict.REPLAYED;
    if (seen.size() >= capacity) return Verdict.FULL;
    seen.put(messageId, atMs + skewMs);
    return Verdict.FRESH;
  }

  /** Whether {@code atMs} is inside the skew window, remembering nothing (for messages whose id another binding makes unique). */
  boolean inWindow(long atMs) {
    return Math.abs(clock.millis() - atMs) <= skewMs;
  }

  synchronized int size() {
    return seen.size();
  }

  private void forgetExpired(long now) {
    for (Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator(); it.hasNext(); ) {
      if (it.next().getValue() >= now) break;
      it.remove();
    }
  }
}
