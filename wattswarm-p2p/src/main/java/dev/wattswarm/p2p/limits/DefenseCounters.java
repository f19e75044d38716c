package dev.wattswarm.p2p.limits;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the substrate dropped, refused or punished, by reason. Every defence against a faulty or
 * hostile peer counts here, so an operator can tell an attack (or a bug) from a quiet network.
 * Written from the protocol thread and the transport's reader threads, read from anywhere.
 *
 * <p>Keys (each a count since start): {@code strikes} (all strikes) and {@code strikes.<reason>}
 * per reason; {@code bans}; {@code dropped_frames.rate} (per-peer frame rate),
 * {@code dropped_frames.topic_rate} (per-topic message rate), {@code dropped_frames.queue}
 * (inbound hand-over queue of a link full), {@code dropped_frames.banned};
 * {@code late_responses}, {@code misrouted_responses}, {@code unsolicited_responses},
 * {@code refused_requests.pending_full}, {@code dropped_requests.inflight};
 * {@code identity_claims} (membership frames naming another node than the link's);
 * {@code malformed_frames}; {@code bad_addresses}; {@code rejected_gossip.<reason>},
 * {@code ignored_gossip}; {@code ihave_dropped}; {@code directory_dropped}; {@code timer_failures}.
 */
public final class DefenseCounters {
  /** Always present in a snapshot, so a dashboard sees zeros rather than missing keys. */
  private static final String[] BASE = {
      "strikes", "bans", "dropped_frames.rate", "dropped_frames.topic_rate", "dropped_frames.queue",
      "dropped_frames.banned", "late_responses", "misrouted_responses", "unsolicited_responses",
      "refused_requests.pending_full", "dropped_requests.inflight", "identity_claims", "malformed_frames",
      "bad_addresses", "ignored_gossip", "ihave_dropped", "directory_dropped", "timer_failures"};

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  public void inc(String key) {
    add(key, 1);
  }

  public void add(String key, long n) {
    counts.computeIfAbsent(key, k -> new LongAdder()).add(n);
  }

  public long get(String key) {
    LongAdder a = counts.get(key);
    return a == null ? 0 : a.sum();
  }

  /** A sorted copy; every base key is present. */
  public SortedMap<String, Long> snapshot() {
    SortedMap<String, Long> out = new TreeMap<>();
    for (String k : BASE) out.put(k, 0L);
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
