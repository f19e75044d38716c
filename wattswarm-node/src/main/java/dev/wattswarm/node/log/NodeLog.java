package dev.wattswarm.node.log;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventRejectedException;
import dev.wattswarm.kernel.event.RejectReason;
import dev.wattswarm.kernel.event.EventSigner;
import dev.wattswarm.kernel.event.EventVerifier;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.AppendOutcome;
import dev.wattswarm.kernel.store.EventStore;
import dev.wattswarm.kernel.store.Lane;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's single path into its log: events it authors and events it receives both go through
 * here, are appended durably, and only then are announced to listeners.
 *
 * <p>Threads: one writer thread ("ws-log-writer") owns the signer's lane state and all store
 * writes. It drains whatever is queued into one append transaction (group commit), so many
 * concurrent publishers cost one commit. A second thread ("ws-log-dispatch") hands committed
 * events to listeners in commit order, so a slow listener never holds the writer.
 * Verification of received events runs on the caller's thread, in parallel.
 */
public final class NodeLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeLog.class);
  private static final int MAX_BATCH = 512;

  private final EventStore store;
  private final EventSigner signer;
  private final EventVerifier verifier;
  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(16_384);
  private final BlockingQueue<Event> committed = new ArrayBlockingQueue<>(65_536);
  private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
  private final Thread writer;
  private final Thread dispatcher;
  private final AtomicLong rejected = new AtomicLong();
  private volatile boolean closed;

  private sealed interface Pending {
    CompletableFuture<?> future();
  }

  /**
   * Our own event: prepared (lane position and id fixed) in queue order, signed afterwards on the
   * publisher's thread; the writer waits for the signature when it reaches the event.
   */
  private static final class Publish implements Pending {
    final Scope scope;
    final EventKind kind;
    final String type;
    final String taskId;
    final byte[] payload;
    final CompletableFuture<Event> future;
    EventSigner.Prepared prepared;
    private final java.util.concurrent.CountDownLatch sealed = new java.util.concurrent.CountDownLatch(1);
    private volatile Event signed;

    Publish(Scope scope, EventKind kind, String type, String taskId, byte[] payload, CompletableFuture<Event> future) {
      this.scope = scope;
      this.kind = kind;
      this.type = type;
      this.taskId = taskId;
      this.payload = payload;
      this.future = future;
    }

    public CompletableFuture<?> future() {
      return future;
    }

    void seal(Event e) {
      signed = e;
      sealed.countDown();
    }

    /** The signed event, or null if signing failed. */
    Event awaitSigned() {
      boolean interrupted = false;
      while (true) {
        try {
          sealed.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) Thread.currentThread().interrupt();
      return signed;
    }
  }

  private final Object prepareLock = new Object();
  private final java.util.concurrent.ExecutorService signing = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

  private record Ingest(Event event, CompletableFuture<AppendOutcome> future) implements Pending {}

  public NodeLog(EventStore store, EventSigner signer, EventVerifier verifier) {
    this.store = store;
    this.signer = signer;
    this.verifier = verifier;
    resumeLanesAndClock();
    writer = Thread.ofPlatform().name("ws-log-writer").daemon(true).start(this::writeLoop);
    dispatcher = Thread.ofPlatform().name("ws-log-dispatch").daemon(true).start(this::dispatchLoop);
  }

  // Clocks only grow along a lane, so the lane heads hold the largest clock seen.
  private void resumeLanesAndClock() {
    for (Lane lane : store.lanes()) {
      if (lane.author().equals(signer.key().id())) signer.seed(lane.scope(), lane.head());
      store.get(lane.head().id()).ifPresent(e -> signer.observe(e.clock()));
    }
  }

  /** Signs an event as this node, appends it durably, and returns it once committed. */
  public Event publish(Scope scope, EventKind kind, String type, String taskId, JsonNode payload) {
    return join(publishAsync(scope, kind, type, taskId, payload));
  }

  public CompletableFuture<Event> publishAsync(
      Scope scope, EventKind kind, String type, String taskId, JsonNode payload) {
    byte[] bytes = CanonicalJson.encode(payload);
    if (bytes.length > verifier.limits().maxPayloadBytes()) {
      return CompletableFuture.failedFuture(new EventRejectedException(
          dev.wattswarm.kernel.event.RejectReason.PAYLOAD_TOO_LARGE,
          "payload is " + bytes.length + " bytes, cap is " + verifier.limits().maxPayloadBytes()));
    }
    var f = new CompletableFuture<Event>();
    Publish p = new Publish(scope, kind, type, taskId, bytes, f);
    synchronized (prepareLock) {
      // lane order is queue order: prepare and enqueue together
      p.prepared = signer.prepare(scope, kind, type, taskId, bytes);
      // refused only when closing, and then the lane no longer matters
      if (!enqueue(p)) return f;
    }
    // Ed25519 is the costly step: signed on a virtual thread, in parallel, so single-threaded
    // callers (the coordinator, the executor host) never wait for it; the writer takes the events
    // in queue order, which is lane order, whenever each signature is ready
    signing.execute(() -> {
      Event signed = null;
      try {
        signed = signer.complete(p.prepared);
      } finally {
        p.seal(signed);
      }
    });
    return f;
  }

  /**
   * Verifies and appends an event authored elsewhere.
   *
   * @throws EventRejectedException when verification or the lane check fails; nothing is stored
   */
  public AppendOutcome ingest(Event event) {
    if (store.contains(event.id())) return AppendOutcome.DUPLICATE;
    try {
      check(event);
    } catch (EventRejectedException e) {
      count(e);
      throw e;
    }
    var f = new CompletableFuture<AppendOutcome>();
    enqueue(new Ingest(event, f));
    return join(f);
  }

  /**
   * Verifies and appends events authored elsewhere, in order, as one group commit where possible
   * (backfill). Each result is the outcome or the exception that refused that event.
   */
  public List<Object> ingestAll(List<Event> events) {
    List<CompletableFuture<AppendOutcome>> futures = new ArrayList<>(events.size());
    for (Event event : events) {
      var f = new CompletableFuture<AppendOutcome>();
      futures.add(f);
      if (store.contains(event.id())) {
        f.complete(AppendOutcome.DUPLICATE);
        continue;
      }
      try {
        check(event);
      } catch (EventRejectedException e) {
        count(e);
        f.completeExceptionally(e);
        continue;
      }
      enqueue(new Ingest(event, f));
    }
    List<Object> out = new ArrayList<>(events.size());
    for (var f : futures) {
      try {
        out.add(f.join());
      } catch (CompletionException e) {
        out.add(e.getCause());
      }
    }
    return out;
  }

  private final List<Consumer<Event>> forkListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Called on the writer thread with each received event the store refused as a fork (its author
   * already holds that lane position with another event): must hand off, never block.
   */
  public void onFork(Consumer<Event> listener) {
    forkListeners.add(listener);
  }

  /** Called with each committed event, in commit order, on the dispatch thread. */
  public void subscribe(Consumer<Event> listener) {
    listeners.add(listener);
  }

  public void unsubscribe(Consumer<Event> listener) {
    listeners.remove(listener);
  }

  public EventStore store() {
    return store;
  }

  public EventVerifier verifier() {
    return verifier;
  }

  public String networkId() {
    return signer.networkId();
  }

  public dev.wattswarm.kernel.identity.NodeId nodeId() {
    return signer.key().id();
  }

  /**
   * Bounds how far ahead of this node's clock an event's {@code created_at} may be. Deadlines are
   * judged by event time, so an author stamping its facts in the future could stretch them; such an
   * event is refused for now and taken when backfill brings it again after its time has come.
   */
  public void clockSkew(java.time.Clock clock, long maxSkewMs) {
    this.wallClock = clock;
    this.maxSkewMs = maxSkewMs;
  }

  /** Clocks beyond this would let one event push every node's Lamport clock towards overflow. */
  static final long MAX_LAMPORT = 1L << 52;

  private volatile java.time.Clock wallClock = java.time.Clock.systemUTC();
  /** Skew allowed unless the network's signed {@code max_clock_skew_ms} says otherwise. */
  public static final long DEFAULT_MAX_SKEW_MS = 30_000;

  private volatile long maxSkewMs = DEFAULT_MAX_SKEW_MS;
  private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.LongAdder> rejectedBy =
      new java.util.concurrent.ConcurrentHashMap<>();

  private void check(Event event) {
    verifier.verify(event);
    if (event.clock() > MAX_LAMPORT) {
      throw new EventRejectedException(RejectReason.BAD_CLOCK, "clock " + event.clock() + " is beyond " + MAX_LAMPORT);
    }
    long ahead = event.createdAtMs() - wallClock.millis();
    if (ahead > maxSkewMs) {
      throw new EventRejectedException(RejectReason.FROM_FUTURE,
          "created " + ahead + " ms ahead of this node's clock (allowed skew " + maxSkewMs + " ms)");
    }
  }

  private void count(EventRejectedException e) {
    rejected.incrementAndGet();
    // reasons are a closed enum, so this map has a fixed bound
    rejectedBy.computeIfAbsent(e.reason().code(), k -> new java.util.concurrent.atomic.LongAdder()).increment();
  }

  /** Events refused at ingest since start, by reason code. */
  public java.util.Map<String, Long> rejectedByReason() {
    java.util.TreeMap<String, Long> m = new java.util.TreeMap<>();
    rejectedBy.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  /** Events waiting to be written (published and ingested alike); bounded by the queue's capacity. */
  public int writeQueueDepth() {
    return queue.size();
  }

  /** Committed events waiting to be handed to listeners. */
  public int dispatchQueueDepth() {
    return committed.size();
  }

  /** Events refused at ingest since start. */
  public long rejectedCount() {
    return rejected.get();
  }

  /** @return false when the item was refused (closed or interrupted); its future is failed */
  private boolean enqueue(Pending p) {
    if (closed) {
      p.future().completeExceptionally(new IllegalStateException("node log is closed"));
      return false;
    }
    try {
      // Blocking here is the backpressure: publishers wait for the writer instead of growing a queue.
      while (!queue.offer(p, 100, TimeUnit.MILLISECONDS)) {
        if (closed) {
          p.future().completeExceptionally(new IllegalStateException("node log is closed"));
          return false;
        }
      }
      return true;
    } catch (InterruptedException e) {
      if (p instanceof Publish) {
        // a prepared event already holds a lane position: it must reach the queue or the lane has a hole
        boolean queued = enqueueUninterruptibly(p);
        Thread.currentThread().interrupt();
        return queued;
      }
      Thread.currentThread().interrupt();
      p.future().completeExceptionally(e);
      return false;
    }
  }

  private boolean enqueueUninterruptibly(Pending p) {
    while (!closed) {
      try {
        if (queue.offer(p, 100, TimeUnit.MILLISECONDS)) return true;
      } catch (InterruptedException again) {
        // keep trying; the caller re-asserts the interrupt
      }
    }
    p.future().completeExceptionally(new IllegalStateException("node log is closed"));
    return false;
  }

  private void writeLoop() {
    List<Pending> batch = new ArrayList<>(MAX_BATCH);
    while (!closed || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) continue;
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        writeBatch(batch);
      } catch (InterruptedException e) {
        if (closed) break;
      } catch (RuntimeException e) {
        log.error("log writer failed on a batch of {}", batch.size(), e);
        for (Pending p : batch) p.future().completeExceptionally(e);
      } finally {
        batch.clear();
      }
    }
  }

  private void writeBatch(List<Pending> batch) {
    List<Event> events = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      events.add(switch (p) {
        case Publish pub -> {
          Event e = pub.awaitSigned();
          // signing failed on the publisher's thread: sign here so the lane stays whole
          yield e != null ? e : signer.complete(pub.prepared);
        }
        case Ingest in -> in.event();
      });
    }
    List<AppendOutcome> outcomes;
    try {
      outcomes = store.append(events);
    } catch (RuntimeException batchFailed) {
      // One bad received event must not sink the others or our own lane: retry one by one,
      // failing only the events that fail on their own.
      appendOneByOne(batch, events);
      return;
    }
    for (int i = 0; i < batch.size(); i++) complete(batch.get(i), events.get(i), outcomes.get(i));
  }

  private void appendOneByOne(List<Pending> batch, List<Event> events) {
    for (int i = 0; i < batch.size(); i++) {
      Pending p = batch.get(i);
      Event e = events.get(i);
      if (p instanceof Publish pub && !store.laneHead(e.author(), e.scope()).id().equals(e.prev())) {
        // our lane moved back because an earlier own event failed: sign afresh
        e = signer.signRaw(pub.scope, pub.kind, pub.type, pub.taskId, pub.payload);
      }
      try {
        complete(p, e, store.append(List.of(e)).get(0));
      } catch (RuntimeException ex) {
        if (p instanceof Ingest) {
          if (ex instanceof EventRejectedException r) {
            count(r); // fork, gap, bad_prev by reason
            if (r.reason() == RejectReason.FORK) for (Consumer<Event> l : forkListeners) l.accept(e);
          } else {
            rejected.incrementAndGet();
          }
        }
        rewindIfOwn(p, e);
        p.future().completeExceptionally(ex);
      }
    }
  }

  private void rewindIfOwn(Pending p, Event e) {
    if (p instanceof Publish) signer.seed(e.scope(), store.laneHead(e.author(), e.scope()));
  }

  @SuppressWarnings("unchecked")
  private void complete(Pending p, Event e, AppendOutcome outcome) {
    if (outcome == AppendOutcome.APPENDED) {
      if (!e.author().equals(signer.key().id())) signer.observe(e.clock());
      if (!committed.offer(e)) {
        log.warn("listener queue full; dispatching {} inline", e);
        dispatch(e);
      }
    }
    switch (p) {
      case Publish pub -> pub.future.complete(e);
      case Ingest in -> in.future().complete(outcome);
    }
  }

  private void dispatchLoop() {
    while (!closed || !committed.isEmpty()) {
      try {
        Event e = committed.poll(100, TimeUnit.MILLISECONDS);
        if (e != null) dispatch(e);
      } catch (InterruptedException e) {
        if (closed) break;
      }
    }
  }

  private void dispatch(Event e) {
    for (Consumer<Event> l : listeners) {
      try {
        l.accept(e);
      } catch (RuntimeException ex) {
        log.warn("listener failed on {}", e, ex);
      }
    }
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw e;
    }
  }

  /** Stops accepting work, finishes what is queued, and stops the threads. Does not close the store. */
  @Override
  public void close() {
    closed = true;
    try {
      writer.join(5_000);
      dispatcher.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    signing.shutdown();
  }
}
