package dev.wattswarm.p2p;

import dev.wattswarm.p2p.limits.DefenseCounters;
import dev.wattswarm.p2p.limits.PeerLimits;
import dev.wattswarm.p2p.transport.Link;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds what each link may have waiting for the protocol thread. The per-peer rate limit runs on
 * that thread, so without this a peer sending faster than the thread drains would grow its queue
 * without limit before any limiter saw a frame. Called from transport reader threads.
 */
final class InboundQueues {
  private static final class Queue {
    final AtomicInteger frames = new AtomicInteger();
    final AtomicLong bytes = new AtomicLong();
  }

  private final PeerLimits limits;
  private final DefenseCounters counters;
  private final Map<Link, Queue> queues = new ConcurrentHashMap<>();

  InboundQueues(PeerLimits limits, DefenseCounters counters) {
    this.limits = limits;
    this.counters = counters;
  }

  /** @return whether a frame of {@code size} bytes may be queued; counts a refusal */
  boolean admit(Link link, int size) {
    Queue q = queues.computeIfAbsent(link, l -> new Queue());
    if (q.frames.incrementAndGet() > limits.inboundQueueFrames() | q.bytes.addAndGet(size) > limits.inboundQueueBytes()) {
      q.frames.decrementAndGet();
      q.bytes.addAndGet(-size);
      counters.inc("dropped_frames.queue");
      return false;
    }
    return true;
  }

  /** The protocol thread took a frame off the queue. */
  void taken(Link link, int size) {
    Queue q = queues.get(link);
    if (q != null) {
      q.frames.decrementAndGet();
      q.bytes.addAndGet(-size);
    }
  }

  void forget(Link link) {
    queues.remove(link);
  }

  /** Links with a queue record (every open link at most once). */
  int links() {
    return queues.size();
  }
}
