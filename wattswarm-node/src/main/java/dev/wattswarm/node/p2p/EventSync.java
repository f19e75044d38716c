package dev.wattswarm.node.p2p;

import dev.wattswarm.kernel.codec.EventCodec;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventRejectedException;
import dev.wattswarm.kernel.event.LaneHead;
import dev.wattswarm.kernel.event.RejectReason;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.store.EventStore;
import dev.wattswarm.kernel.store.Lane;
import dev.wattswarm.node.log.NodeLog;
import dev.wattswarm.node.network.NetworkRules;
import dev.wattswarm.p2p.Substrate;
import dev.wattswarm.p2p.transport.Periodic;
import dev.wattswarm.p2p.transport.Scheduler;
import dev.wattswarm.p2p.wire.WireReader;
import dev.wattswarm.p2p.wire.WireWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the log between nodes. Our own committed events are broadcast on their scope's topic;
 * events received by broadcast are verified once and appended through the same path as local
 * ones. Backfill compares lane heads with a neighbour (when it connects, after a gap, and every
 * {@code antiEntropyMs}) and fetches what is missing lane by lane in bounded batches, at most one
 * session per peer and four at once. Only scopes this node subscribes to are sent or answered.
 */
public final class EventSync implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventSync.class);
  private static final int MAX_SESSIONS = 4;

  private final NodeLog nodeLog;
  private final EventStore store;
  private final Substrate overlay;
  /** Subscribed scopes and the kinds taken in each; changes at run time (groups, DM threads). */
  private final Map<Scope, Set<EventKind>> scopes = new ConcurrentHashMap<>();
  private final SyncConfig cfg;
  private volatile SyncPolicy policy = SyncPolicy.OPEN;
  /** Other heads of equally long lanes already probed for a fork: each is fetched once (bounded). */
  private final Set<dev.wattswarm.kernel.event.EventId> probedHeads = java.util.Collections.synchronizedSet(
      java.util.Collections.newSetFromMap(new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<dev.wattswarm.kernel.event.EventId, Boolean> e) {
          return size() > 4_096;
        }
      }));
  private final NodeId me;
  /** Gossiped events waiting to be appended: bounded, since a peer flooding valid events must not grow memory (what is dropped, backfill fetches). */
  private final java.util.concurrent.BlockingQueue<Received> received;
  private final Thread ingest;
  /** Gossiped events appended per commit at most. */
  private static final int INGEST_BATCH = 256;
  private final ExecutorService sessions = Executors.newVirtualThreadPerTaskExecutor();
  private final Set<NodeId> syncing = ConcurrentHashMap.newKeySet();
  private final Consumer<Event> onCommit = this::onCommitted;
  private final SyncCounters counters = new SyncCounters();
  private final NetworkRules rules;
  private final GossipGate gate;
  private volatile boolean closed;

  /** Sync under the node's own limits, every event kind gossiped (a network without stored rules). */
  public EventSync(NodeLog nodeLog, Substrate overlay, RequestRouter router, Set<Scope> scopes, SyncConfig cfg) {
    this(nodeLog, overlay, router, scopes, cfg, NetworkRules.permissive(nodeLog.verifier().limits()));
  }

  /** @param rules the network's signed parameters: payload cap and the kinds that are gossiped */
  public EventSync(NodeLog nodeLog, Substrate overlay, RequestRouter router, Set<Scope> scopes, SyncConfig cfg,
      NetworkRules rules) {
    this.rules = rules;
    this.gate = new GossipGate(nodeLog.verifier(), rules, counters);
    this.received = new ArrayBlockingQueue<>(cfg.ingestQueueEvents());
    this.ingest = Thread.ofPlatform().name("ws-sync-ingest").daemon(true).unstarted(this::ingestLoop);
    this.nodeLog = nodeLog;
    this.store = nodeLog.store();
    this.overlay = overlay;
    this.cfg = cfg;
    this.me = nodeLog.nodeId();
    for (Scope s : scopes) join(s, java.util.EnumSet.allOf(EventKind.class));
    router.register(SyncWire.HEADS, this::answer);
    router.register(SyncWire.LANE, this::answer);
    overlay.addMembershipListener(new Substrate.MembershipListener() {
      @Override
      public void peerUp(NodeId peer) {
        backfillFrom(peer, "new neighbour");
      }

      @Override
      public void peerDown(NodeId peer) {}
    });
    nodeLog.subscribe(onCommit);
    ingest.start();
    schedule(overlay.scheduler());
  }

  /**
   * Subscribes to {@code scope} for {@code kinds} (those the network gossips): its topics are
   * joined and its lanes are sent, answered and backfilled from now on. Joining again is a no-op.
   */
  public void join(Scope scope, Set<EventKind> kinds) {
    Set<EventKind> taken = java.util.EnumSet.noneOf(EventKind.class);
    for (EventKind k : kinds) if (rules.gossips(k)) taken.add(k); // the network does not carry the others
    if (closed || scopes.putIfAbsent(scope, Set.copyOf(taken)) != null) return;
    for (EventKind k : taken) {
      overlay.subscribe(Topics.of(nodeLog.networkId(), scope, k), gate.forTopic(scope, k),
          (topic, id, payload, from) -> onGossip(gate.accepted(id, payload), from));
    }
  }

  /** Stops taking {@code scope}: its topics are left; what the log holds of it stays. */
  public void leave(Scope scope) {
    Set<EventKind> kinds = scopes.remove(scope);
    if (kinds == null) return;
    for (EventKind k : kinds) overlay.unsubscribe(Topics.of(nodeLog.networkId(), scope, k));
  }

  /** The scopes subscribed now (a snapshot). */
  public Set<Scope> scopes() {
    return Set.copyOf(scopes.keySet());
  }

  public boolean subscribed(Scope scope) {
    return scopes.containsKey(scope);
  }

  private boolean subscribed(Scope scope, EventKind kind) {
    Set<EventKind> k = scopes.get(scope);
    return k != null && k.contains(kind);
  }

  /**
   * Adds a layer's say over who may be served which lanes and which received events are taken
   * (see {@link SyncPolicy}). Policies only add up (served when all allow, refused by the first
   * refusal): a layer cannot replace another's, whatever order the layers start in.
   */
  public synchronized void addPolicy(SyncPolicy p) {
    this.policy = SyncPolicy.add(policy, p);
  }

  private void schedule(Scheduler s) {
    Periodic.start(s, "anti-entropy", cfg::antiEntropyMs, () -> closed, () -> {
      // one random neighbour, plus one random fellow subscriber of each scoped scope: neighbours
      // need not share a region, and only those who do hold its lanes
      var rnd = java.util.concurrent.ThreadLocalRandom.current();
      List<NodeId> peers = new ArrayList<>(overlay.neighbours().keySet());
      if (!peers.isEmpty()) backfillFrom(peers.get(rnd.nextInt(peers.size())), "anti-entropy");
      for (var entry : scopes.entrySet()) {
        Scope sc = entry.getKey();
        if (sc.equals(Scope.GLOBAL) || entry.getValue().isEmpty()) continue;
        EventKind any = entry.getValue().contains(EventKind.EVENTS) ? EventKind.EVENTS : entry.getValue().iterator().next();
        List<NodeId> fellows = new ArrayList<>(overlay.peersFor(Topics.of(nodeLog.networkId(), sc, any)));
        if (!fellows.isEmpty()) backfillFrom(fellows.get(rnd.nextInt(fellows.size())), "anti-entropy in " + sc);
      }
    }, e -> counters.inc("timer_failures"));
  }

  private void onCommitted(Event e) {
    if (closed || !e.author().equals(me) || !subscribed(e.scope(), e.kind())) return;
    if (!rules.gossips(e.kind())) {
      counters.inc("unsent_events.kind_not_gossiped");
      return;
    }
    overlay.publish(Topics.of(e.networkId(), e.scope(), e.kind()), e.id().bytes(), e.encoded());
  }

  /** An event the gate accepted (decoded, bound to its id, verified), and the peer that sent it. */
  private record Received(Event event, NodeId from) {}

  /** Lane order: a lane's events arriving out of order within one batch are appended in order. */
  private static final java.util.Comparator<Received> LANE_ORDER = java.util.Comparator
      .<Received, NodeId>comparing(r -> r.event().author())
      .thenComparing(r -> r.event().scope().toString())
      .thenComparingLong(r -> r.event().laneSeq());

  private void onGossip(Event e, NodeId from) {
    counters.inc("received");
    if (!received.offer(new Received(e, from))) counters.inc("ingest_queue_full");
  }

  /**
   * Appends what gossip brought, as many events per commit as are waiting: one commit per event
   * bounded a node at a few hundred remote events a second, while the log writer commits a whole
   * batch in about the time of one.
   */
  private void ingestLoop() {
    List<Received> batch = new ArrayList<>(INGEST_BATCH);
    while (!closed) {
      try {
        batch.add(received.take());
        received.drainTo(batch, INGEST_BATCH - 1);
        ingestBatch(batch);
      } catch (InterruptedException stop) {
        return;
      } catch (RuntimeException other) {
        if (!closed) log.warn("ingest of {} gossiped events failed", batch.size(), other);
      } finally {
        batch.clear();
      }
    }
  }

  private void ingestBatch(List<Received> batch) {
    List<Received> kept = new ArrayList<>(batch.size());
    for (Received r : batch) {
      if (!subscribed(r.event().scope())) {
        counters.inc("rejected_events.foreign_scope");
        continue;
      }
      String refusal = policy.refuse(r.event());
      if (refusal != null) {
        counters.inc("rejected_events." + refusal);
        continue;
      }
      kept.add(r);
    }
    if (kept.isEmpty()) return;
    kept.sort(LANE_ORDER);
    List<Event> events = new ArrayList<>(kept.size());
    for (Received r : kept) events.add(r.event());
    List<Object> outcomes = nodeLog.ingestAll(events);
    for (int i = 0; i < kept.size(); i++) {
      if (!(outcomes.get(i) instanceof Throwable failed)) continue;
      Event e = kept.get(i).event();
      NodeId from = kept.get(i).from();
      if (failed instanceof EventRejectedException r) {
        if (r.reason() == RejectReason.GAP) {
          backfillFrom(from, "gap in lane " + e.scope() + " of " + e.author());
          continue;
        }
        counters.inc("rejected_events." + r.reason().code());
        // verified already, so what is left (fork, bad prev, state) is the author's doing, not
        // the relayer's: striking the relayer would make honest nodes ban each other
        log.info("event {} from {} refused: {} {}", e.id(), from, r.reason(), r.getMessage());
      } else if (!closed) {
        log.warn("ingest of {} failed", e.id(), failed);
      }
    }
  }

  /** Starts a backfill session with {@code peer} unless one is running or too many are. */
  public void backfillFrom(NodeId peer, String why) {
    if (closed || syncing.size() >= MAX_SESSIONS || !syncing.add(peer)) return;
    sessions.execute(() -> {
      try {
        session(peer, why);
      } catch (Exception e) {
        if (!closed) log.info("backfill from {} stopped: {}", peer, e.getMessage());
      } finally {
        syncing.remove(peer);
      }
    });
  }

  private void session(NodeId peer, String why) throws Exception {
    WireReader heads = new WireReader(call(peer, SyncWire.headsRequest()));
    if (heads.u8() != SyncWire.HEADS) throw new IllegalStateException("unexpected answer to HEADS");
    List<Lane> remote = SyncWire.readHeads(heads);
    long behind = 0;
    for (Lane l : remote) {
      if (!subscribed(l.scope())) continue;
      LaneHead local = store.laneHead(l.author(), l.scope());
      behind += Math.max(0, l.head().seq() - local.seq());
      // as long as each other, but ending in another event: an author that forked its lane and
      // stopped there (a double spend) is found only here, since neither side is behind
      if (local.seq() > 0 && l.head().seq() == local.seq() && !l.head().id().equals(local.id()) && probedHeads.add(l.head().id())) {
        probeFork(peer, l, local);
      }
    }
    if (behind == 0) return;
    log.info("backfill from {} ({}): {} events behind", peer, why, behind);
    long fetched = 0;
    for (Lane l : remote) {
      if (!subscribed(l.scope())) continue;
      LaneHead local = store.laneHead(l.author(), l.scope());
      while (!closed && local.seq() < l.head().seq()) {
        List<Event> batch = admitted(lane(peer, l.author(), l.scope(), local.seq()));
        if (batch.isEmpty()) break;
        boolean forked = false;
        for (Object outcome : nodeLog.ingestAll(batch)) {
          if (outcome instanceof dev.wattswarm.kernel.event.EventRejectedException r
              && r.reason() == dev.wattswarm.kernel.event.RejectReason.BAD_PREV && local.seq() > 0) {
            forked = true;
            break;
          }
          if (outcome instanceof Throwable t) {
            counters.inc("rejected_events.backfill");
            throw new IllegalStateException("peer sent an event we refuse: " + t.getMessage());
          }
        }
        if (forked) {
          probeFork(peer, l, local);
          break;
        }
        fetched += batch.size();
        counters.add("backfilled", batch.size());
        if (behind > 2 * cfg.batchEvents()) log.info("backfill from {}: {} of {} events", peer, fetched, behind);
        LaneHead next = store.laneHead(l.author(), l.scope());
        if (next.seq() <= local.seq()) break;
        local = next;
      }
    }
  }

  /**
   * The peer's lane continues from another event than the one we hold at our head: the author
   * signed two events at that position. Fetching the peer's one and offering it to the log makes
   * the store refuse it as a fork, which turns into evidence every node can check
   * ({@link dev.wattswarm.node.log.EquivocationWatch}). Our copy of the lane stays as it is.
   */
  private void probeFork(NodeId peer, Lane l, LaneHead local) throws Exception {
    List<Event> theirs = lane(peer, l.author(), l.scope(), local.seq() - 1);
    if (theirs.isEmpty() || theirs.get(0).id().equals(local.id())) return;
    counters.inc("forks_found");
    try {
      nodeLog.ingest(theirs.get(0));
    } catch (RuntimeException refusedAsFork) {
      // expected: the store holds our branch at that position
    }
  }

  /** The batch up to the first event the policy refuses: a lane cannot have holes. */
  private List<Event> admitted(List<Event> batch) {
    for (int i = 0; i < batch.size(); i++) {
      String refusal = policy.refuse(batch.get(i));
      if (refusal != null) {
        counters.inc("rejected_events." + refusal);
        return batch.subList(0, i);
      }
    }
    return batch;
  }

  private List<Event> lane(NodeId peer, NodeId author, Scope scope, long after) throws Exception {
    WireReader r = new WireReader(call(peer, SyncWire.laneRequest(author, scope, after, cfg.batchEvents())));
    if (r.u8() != SyncWire.LANE) throw new IllegalStateException("unexpected answer to LANE");
    int n = r.i32();
    if (n < 0 || n > cfg.batchEvents()) throw new IllegalStateException("lane answer with " + n + " events");
    List<Event> out = new ArrayList<>(n);
    long expect = after + 1;
    for (int i = 0; i < n; i++) {
      Event e = EventCodec.decode(r.bytes(EventCodec.MAX_ENCODED));
      if (!e.author().equals(author) || !e.scope().equals(scope) || e.laneSeq() != expect++) {
        throw new IllegalStateException("lane answer out of order or for another lane");
      }
      if (e.payload().length > rules.maxPayloadBytes()) {
        counters.inc("rejected_events.payload_too_large");
        overlay.penalize(peer, "backfilled an event over the network's payload cap");
        throw new IllegalStateException("lane answer holds an event over the network's payload cap");
      }
      out.add(e);
    }
    return out;
  }

  private byte[] call(NodeId peer, byte[] request) throws Exception {
    return overlay.request(peer, request, cfg.requestTimeoutMs()).get(cfg.requestTimeoutMs() + 1_000, TimeUnit.MILLISECONDS);
  }

  private CompletableFuture<byte[]> answer(NodeId peer, byte[] request) {
    return CompletableFuture.supplyAsync(() -> {
      WireReader r = new WireReader(request);
      int type = r.u8();
      if (type == SyncWire.HEADS) {
        List<Lane> mine = new ArrayList<>();
        for (Lane l : store.lanes()) if (subscribed(l.scope()) && policy.mayServe(peer, l.scope())) mine.add(l);
        return SyncWire.headsAnswer(mine);
      }
      if (type == SyncWire.LANE) {
        NodeId author = r.node();
        Scope scope = Scope.parse(r.string(300));
        long after = r.i64();
        int limit = Math.max(1, Math.min(r.i32(), cfg.batchEvents()));
        List<Event> events = subscribed(scope) && policy.mayServe(peer, scope) ? store.laneAfter(author, scope, after, limit) : List.of();
        List<byte[]> parts = new ArrayList<>();
        int bytes = 0;
        for (Event e : events) {
          if (bytes + e.encoded().length > cfg.maxResponseBytes()) break;
          parts.add(e.encoded());
          bytes += e.encoded().length;
        }
        WireWriter w = new WireWriter(SyncWire.LANE).i32(parts.size());
        for (byte[] p : parts) w.bytes(p);
        return w.done();
      }
      return null;
    }, sessions).exceptionally(e -> null);
  }

  public long received() {
    return counters.get("received");
  }

  public long backfilled() {
    return counters.get("backfilled");
  }

  /** Events refused, for any reason. */
  public long refused() {
    return counters.sum("rejected_events.");
  }

  /**
   * What sync received, backfilled, refused ({@code rejected_events.<reason>}: oversized,
   * malformed, id_mismatch, wrong_topic, payload_too_large, bad_signature, fork, ...) and dropped
   * ({@code ingest_queue_full}), sorted by key; safe from any thread.
   */
  public Map<String, Long> counters() {
    return counters.snapshot("received", "backfilled", "ingest_queue_full", "timer_failures", "forks_found");
  }

  public NetworkRules rules() {
    return rules;
  }

  @Override
  public void close() {
    closed = true;
    nodeLog.unsubscribe(onCommit);
    ingest.interrupt();
    sessions.shutdownNow();
  }
}
