package dev.wattswarm.agents;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Replies to ask-async requests waiting to be read with {@link PeerClient#checkInbox}. An agent
 * that asks and never reads would otherwise hold every reply forever, so entries are bounded per
 * agent and in total (a request beyond the bound is refused and counted) and expire a while after
 * their request's own timeout (counted when forgotten unread).
 */
final class AskAsync {
  private record Entry(String owner, CompletableFuture<AgentRuntime.Reply> reply, long expiresAtMs) {}

  private final Clock clock;
  private final AgentConfig config;
  private final AgentCounters counters;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  AskAsync(Clock clock, AgentConfig config, AgentCounters counters) {
    this.clock = clock;
    this.config = config;
    this.counters = counters;
  }

  /** Keeps {@code reply} under {@code id} for {@code owner}; refuses when the owner or the node holds too many. */
  synchronized void put(String id, String owner, long timeoutMs, CompletableFuture<AgentRuntime.Reply> reply) {
    expire();
    long mine = entries.values().stream().filter(e -> e.owner().equals(owner)).count();
    if (mine >= config.askAsyncPerAgent() || entries.size() >= config.askAsyncTotal()) {
      counters.inc(AgentCounters.ASK_ASYNC_DROPPED);
      reply.cancel(true);
      throw new AgentException(AgentException.Kind.QUEUE_FULL, (mine >= config.askAsyncPerAgent()
          ? "this agent has " + mine + " unread ask-async replies (the bound is " + config.askAsyncPerAgent() + ")"
          : "this node holds " + entries.size() + " unread ask-async replies (the bound is " + config.askAsyncTotal() + ")")
          + "; read them with checkInbox first");
    }
    entries.put(id, new Entry(owner, reply, clock.millis() + timeoutMs + config.askAsyncTtlMs()));
  }

  /** The pending reply of {@code owner} under {@code id}, or null when there is none (never asked, read, or expired). */
  CompletableFuture<AgentRuntime.Reply> get(String id, String owner) {
    Entry e = entries.get(id);
    return e == null || !e.owner().equals(owner) ? null : e.reply();
  }

  void remove(String id) {
    entries.remove(id);
  }

  synchronized void expire() {
    long now = clock.millis();
    entries.values().removeIf(e -> {
      if (e.expiresAtMs() > now) return false;
      counters.inc(AgentCounters.ASK_ASYNC_EXPIRED);
      e.reply().cancel(true);
      return true;
    });
  }

  int size() {
    return entries.size();
  }
}
