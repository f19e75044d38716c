package dev.wattswarm.node.p2p;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts of what event sync received, refused and dropped, by reason; any thread. */
final class SyncCounters {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  void inc(String key) {
    add(key, 1);
  }

  void add(String key, long n) {
    counts.computeIfAbsent(key, k -> new LongAdder()).add(n);
  }

  long get(String key) {
    LongAdder a = counts.get(key);
    return a == null ? 0 : a.sum();
  }

  /** Sum of every key starting with {@code prefix}. */
  long sum(String prefix) {
    long s = 0;
    for (var e : counts.entrySet()) if (e.getKey().startsWith(prefix)) s += e.getValue().sum();
    return s;
  }

  SortedMap<String, Long> snapshot(String... always) {
    SortedMap<String, Long> out = new TreeMap<>();
    for (String k : always) out.put(k, 0L);
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
