package dev.wattswarm.p2p;

import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.limits.DefenseCounters;
import dev.wattswarm.p2p.limits.PeerLimits;
import dev.wattswarm.p2p.transport.Link;
import dev.wattswarm.p2p.transport.Scheduler;
import dev.wattswarm.p2p.wire.FrameType;
import dev.wattswarm.p2p.wire.MalformedFrameException;
import dev.wattswarm.p2p.wire.WireWriter;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * Request/response bookkeeping. A response is matched on (the peer its link proves, request id):
 * ids are sequential and easy to guess, so an id alone would let any neighbour answer a question
 * put to another. Requests waiting on one peer, and answers being prepared for one peer, are
 * bounded. Thread-safe: a request to a peer with an open link is sent from the caller's thread,
 * a request from a peer is answered, and an answer matched, on the transport's reader thread, with
 * no hop through the protocol thread.
 */
final class Requests {
  /** {@code again} gives the bytes to send if the request must be asked again another way. */
  private record Pending(NodeId peer, CompletableFuture<byte[]> future, Link link, java.util.function.Supplier<byte[]> again, long deadline) {}

  /** A request whose link went down before its answer came, to be asked again another way. */
  record Orphan(NodeId peer, byte[] payload, long deadline, CompletableFuture<byte[]> future) {}

  private final Scheduler scheduler;
  private final PeerLimits limits;
  private final DefenseCounters counters;
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final Map<NodeId, Integer> pendingPerPeer = new ConcurrentHashMap<>();
  private final Map<NodeId, Integer> answering = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong(1);

  Requests(Scheduler scheduler, PeerLimits limits, DefenseCounters counters) {
    this.scheduler = scheduler;
    this.limits = limits;
    this.counters = counters;
  }

  /**
   * Sends a request on {@code link} and completes {@code f} with the answer, or a timeout.
   *
   * @return false, leaving {@code f} open, when the link would not take the frame (closed or
   *     full): the caller asks another way
   */
  boolean ask(Link link, byte[] payload, long timeoutMs, CompletableFuture<byte[]> f) {
    return ask(link, payload, () -> payload, timeoutMs, f);
  }

  /** As above, asking again with {@code again.get()} (not {@code payload}) should the link fall before the answer. */
  boolean ask(Link link, byte[] payload, java.util.function.Supplier<byte[]> again, long timeoutMs, CompletableFuture<byte[]> f) {
    return ask(link, payload, again, timeoutMs, f, false);
  }

  /** @param now write on this thread when the link is idle ({@link Link#sendNow}); never on the protocol thread */
  boolean ask(Link link, byte[] payload, java.util.function.Supplier<byte[]> again, long timeoutMs, CompletableFuture<byte[]> f,
      boolean now) {
    NodeId peer = link.peer();
    int waiting = pendingPerPeer.merge(peer, 1, Integer::sum);
    if (waiting > limits.maxPendingRequestsPerPeer()) {
      pendingPerPeer.computeIfPresent(peer, (k, n) -> n <= 1 ? null : n - 1);
      counters.inc("refused_requests.pending_full");
      f.completeExceptionally(new IllegalStateException((waiting - 1) + " requests to " + peer + " are already waiting"));
      return true;
    }
    long id = nextId.getAndIncrement();
    pending.put(id, new Pending(peer, f, link, again, scheduler.now() + timeoutMs));
    byte[] frame = new WireWriter(FrameType.REQUEST).i64(id).bytes(payload).done();
    if (!(now ? link.sendNow(frame) : link.send(frame))) {
      remove(id);
      return false;
    }
    scheduler.schedule(timeoutMs, () -> {
      Pending p = remove(id);
      if (p != null) p.future().completeExceptionally(new TimeoutException("no answer from " + peer + " in " + timeoutMs + " ms"));
    });
    return true;
  }

  private Pending remove(long id) {
    Pending p = pending.remove(id);
    if (p != null) pendingPerPeer.computeIfPresent(p.peer(), (k, n) -> n <= 1 ? null : n - 1);
    return p;
  }

  /**
   * A response arrived from {@code from} (the link's proven peer).
   *
   * @throws MalformedFrameException when it answers a question put to another peer, or one never asked
   */
  void response(NodeId from, long id, byte[] body) {
    Pending p = pending.get(id);
    if (p == null) {
      if (id <= 0 || id >= nextId.get()) {
        counters.inc("unsolicited_responses");
        throw new MalformedFrameException("unsolicited_responses", from + " answered request " + id + ", never asked");
      }
      counters.inc("late_responses"); // its request already timed out: dropped
      return;
    }
    if (!p.peer().equals(from)) {
      counters.inc("misrouted_responses");
      throw new MalformedFrameException("misrouted_responses", from + " answered request " + id + " put to " + p.peer());
    }
    if (remove(id) == null) return; // a racing timeout took it
    p.future().complete(body);
  }

  /**
   * Answers a peer's request through {@code handler}, unless too many of its requests are in hand.
   * Called on the link's reader thread: an answer ready at once is written on it, a later one on
   * the thread that completes it (never the protocol thread).
   */
  void answer(Link link, long id, byte[] body, Substrate.ProvenHandler handler) {
    NodeId peer = link.peer();
    if (answering.merge(peer, 1, Integer::sum) > limits.maxInflightAnswersPerPeer()) {
      release(peer);
      counters.inc("dropped_requests.inflight");
      return;
    }
    CompletableFuture<byte[]> answer;
    try {
      answer = handler.answer(peer, true, body); // on the link that proves the peer; the answer goes back on it
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete((a, err) -> {
      release(peer);
      if (a != null) link.sendNow(new WireWriter(FrameType.RESPONSE).i64(id).bytes(a).done());
    });
  }

  private void release(NodeId peer) {
    answering.computeIfPresent(peer, (k, n) -> n <= 1 ? null : n - 1);
  }

  /**
   * Takes the requests sent on {@code link}, which went down: their futures are still open and the
   * caller asks again another way, within the same deadline.
   */
  java.util.List<Orphan> orphaned(Link link) {
    java.util.List<Orphan> out = new java.util.ArrayList<>();
    for (var e : pending.entrySet()) {
      Pending p = e.getValue();
      if (p.link() != link) continue;
      if (remove(e.getKey()) != null) out.add(new Orphan(p.peer(), p.again().get(), p.deadline(), p.future()));
    }
    return out;
  }

  /** Requests awaiting an answer from {@code peer}. */
  int pendingFor(NodeId peer) {
    return pendingPerPeer.getOrDefault(peer, 0);
  }

  int pendingTotal() {
    return pending.size();
  }

  long late() {
    return counters.get("late_responses");
  }
}
