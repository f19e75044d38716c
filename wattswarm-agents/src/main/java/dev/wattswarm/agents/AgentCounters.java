package dev.wattswarm.agents;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the agents layer refused or dropped, by reason. Every name exists from the start (at 0) so
 * a dashboard sees a stable set of keys rather than keys that appear on the first incident.
 */
final class AgentCounters {
  static final String FORGED_REPLIES = "forged_replies";
  static final String BAD_SIGNATURES = "bad_signatures";
  static final String REPLAYS = "replays";
  static final String OVERSIZED = "oversized";
  static final String MISADDRESSED = "misaddressed";
  static final String FORGED_REQUESTS = "forged_requests";
  static final String FOREIGN_AGENTS = "foreign_agents";
  static final String IMPOSTORS = "impostors";
  static final String INBOX_DROPPED = "inbox_dropped";
  static final String ASK_ASYNC_DROPPED = "ask_async_dropped";
  static final String ASK_ASYNC_EXPIRED = "ask_async_expired";
  static final String LATE_REPLIES = "late_replies";
  static final String REGISTRY_DROPPED = "registry_dropped";
  static final String REPLAY_CACHE_FULL = "replay_cache_full";
  static final String REROUTES = "reroutes";
  /** An announcement older than one already applied: gossip may deliver out of order, so not a replay by itself. */
  static final String STALE_ANNOUNCEMENTS = "stale_announcements";
  /** Nodes whose agents were forgotten because a request to them failed as unreachable. */
  static final String UNREACHABLE_NODES = "unreachable_nodes";
  /** An unsigned message on a direct link from an agent not (yet) known to live on the sending node: refused, asked to sign. */
  static final String UNSIGNED_UNBOUND = "unsigned_unbound";

  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

  AgentCounters() {
    for (String k : new String[] {FORGED_REPLIES, BAD_SIGNATURES, REPLAYS, OVERSIZED, MISADDRESSED, FORGED_REQUESTS, FOREIGN_AGENTS, IMPOSTORS,
        INBOX_DROPPED, ASK_ASYNC_DROPPED, ASK_ASYNC_EXPIRED, LATE_REPLIES, REGISTRY_DROPPED, REPLAY_CACHE_FULL, REROUTES, STALE_ANNOUNCEMENTS,
        UNREACHABLE_NODES, UNSIGNED_UNBOUND}) {
      counts.put(k, new AtomicLong());
    }
  }

  void inc(String name) {
    counts.get(name).incrementAndGet();
  }

  long get(String name) {
    return counts.get(name).get();
  }

  Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }
}
