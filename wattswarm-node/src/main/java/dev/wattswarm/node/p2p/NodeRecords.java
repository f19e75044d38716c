package dev.wattswarm.node.p2p;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.node.discovery.RecordIntake;
import dev.wattswarm.node.discovery.Refusal;
import dev.wattswarm.node.discovery.SnapshotQuota;
import dev.wattswarm.node.network.NewNodeQuota;
import dev.wattswarm.node.network.NodeRecord;
import dev.wattswarm.node.network.NodeRecordBook;
import dev.wattswarm.node.network.RecordLimits;
import dev.wattswarm.p2p.Overlay;
import dev.wattswarm.p2p.Substrate;
import dev.wattswarm.p2p.gossip.Verdict;
import dev.wattswarm.p2p.transport.Periodic;
import dev.wattswarm.p2p.wire.MalformedFrameException;
import dev.wattswarm.p2p.wire.WireReader;
import dev.wattswarm.p2p.wire.WireWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The one record layer of a node: every member's signed {@link NodeRecord} (where it can be
 * dialled, and what Discovery v1 serves), in one bounded book. Each node signs its own and gossips
 * it on {@code {network}.global.records} when it starts, when a neighbour comes up and at a third
 * of its lifetime; a node that gains a neighbour asks it for every record it knows (router service
 * {@link #SERVICE}, answered once per peer per interval). Records from anywhere (gossip, snapshots,
 * Discovery's POSTs and discovery URLs) get in through {@link #admit} only: the checks of {@link
 * RecordIntake} (same reasons everywhere), then a budget of new node ids per source ({@link
 * RecordLimits}), then the book's global bound. On the TLS overlay the book also tells the overlay
 * where to dial non-neighbours.
 */
public final class NodeRecords implements AutoCloseable {
  /** Router service byte: "send me the records you know". */
  public static final int SERVICE = 20;
  /** Records in one answer to {@link #SERVICE}, at most. */
  static final int MAX_PER_ANSWER = 512;
  /** Refusals that blame nobody: time passing, reordering, full budgets or a full book. */
  private static final Set<String> BLAMELESS = Set.of("expired", "not_yet_valid", "stale", "store_full", "source_quota");

  private final KeyPair key;
  private final String networkId;
  private final Clock clock;
  private final Substrate substrate;
  private final NodeRecordBook book;
  private final NewNodeQuota perPeer;
  private final NewNodeQuota perAddress;
  /** A full answer to {@link #SERVICE} is the largest thing this layer sends: once per peer per interval. */
  private final SnapshotQuota served;
  private final List<String> addrs;
  private final long ttlMs;
  private final String topic;
  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
  private volatile Supplier<String> publicUrl = () -> null;
  private volatile Supplier<List<String>> capabilities = List::of;
  private volatile Supplier<Optional<NodeRecord.Location>> location = Optional::empty;
  private volatile NodeRecord self;
  private volatile boolean closed;

  /**
   * @param substrate the TLS overlay (which then dials from this book) or any other substrate (NATS)
   * @param addrs where this node can be dialled (non-wildcard host:port), in order of preference;
   *     empty when it cannot be dialled at all
   * @param ttlMs how long each signed record is valid; it is re-signed and gossiped at a third of it
   */
  public NodeRecords(KeyPair key, String networkId, Clock clock, Substrate substrate, RequestRouter router, List<String> addrs,
      long ttlMs, RecordLimits limits) {
    this.key = key;
    this.networkId = networkId;
    this.clock = clock;
    this.substrate = substrate;
    this.addrs = List.copyOf(addrs);
    this.ttlMs = ttlMs;
    this.book = new NodeRecordBook(networkId, limits.capacity());
    this.perPeer = new NewNodeQuota(limits.perPeerBurst(), limits.perPeerRefillMs(), limits.maxSources());
    this.perAddress = new NewNodeQuota(limits.perAddressBurst(), limits.perAddressRefillMs(), limits.maxSources());
    this.topic = networkId + ".global.records";
    this.served = new SnapshotQuota(Math.min(60_000, ttlMs / 30), clock);
    if (substrate instanceof Overlay overlay) overlay.addressResolver(id -> book.addresses(id, clock.millis()));
    substrate.subscribe(topic, this::validate, (t, id, payload, from) -> {});
    router.register(SERVICE, this::answer);
    substrate.addMembershipListener(new Substrate.MembershipListener() {
      @Override
      public void peerUp(NodeId peer) {
        publish();
        fetchFrom(peer);
      }

      @Override
      public void peerDown(NodeId peer) {}
    });
    Periodic.start(substrate.scheduler(), "node-records", () -> Math.max(1_000, ttlMs / 3), () -> closed, this::refresh,
        e -> {});
    refresh();
  }

  /** The verified records of this network (Discovery v1 serves a view of it). */
  public NodeRecordBook book() {
    return book;
  }

  /** This node's current signed record. */
  public NodeRecord self() {
    return self;
  }

  /** How long this node's records live. */
  public long ttlMs() {
    return ttlMs;
  }

  /**
   * What else this node's record says (Discovery v1 fields); taken when the record is next signed,
   * which {@link #refresh()} does at once.
   */
  public void describe(Supplier<String> publicUrl, Supplier<List<String>> capabilities,
      Supplier<Optional<NodeRecord.Location>> location) {
    this.publicUrl = publicUrl;
    this.capabilities = capabilities;
    this.location = location;
    refresh();
  }

  /** Signs a fresh record and gossips it. */
  public void refresh() {
    long now = clock.millis();
    NodeRecord prev = self;
    // a record re-signed within the same millisecond (describe() right after start, a stopped test
    // clock) must still supersede the last one, or the book keeps the old fields as "newer or equal"
    long issued = prev == null ? now : Math.max(now, prev.issuedAtMs() + 1);
    List<String> caps = capabilities.get().stream().distinct().sorted().limit(NodeRecord.MAX_CAPABILITIES).toList();
    NodeRecord r = NodeRecord.sign(key, networkId, addrs, publicUrl.get(), caps, location.get(), issued, ttlMs);
    self = r;
    book.offer(r, now);
    publish();
  }

  /**
   * The one way a record from outside gets in: checked by {@link RecordIntake}, then, for a node
   * not held yet, paid for from the source's budget of new node ids.
   *
   * @param source who handed it over: a peer's node id, a discovery URL, or a client's address key
   * @param client true for a client address (POST), whose budget is smaller than a peer's
   * @throws Refusal saying why nothing was stored
   */
  public NodeRecordBook.Outcome admit(NodeRecord r, String source, boolean client) {
    NewNodeQuota q = client ? perAddress : perPeer;
    return RecordIntake.admit(book, r, clock.millis(), () -> q.take(source, clock.millis()));
  }

  /** Gossips a record this node took from outside (a POST), so the whole network learns it. */
  public void spread(NodeRecord r) {
    publish(r);
  }

  private void publish() {
    NodeRecord r = self;
    if (r != null) publish(r);
  }

  private void publish(NodeRecord r) {
    if (closed) return;
    byte[] payload = r.encode();
    try {
      substrate.publish(topic, Hashes.sha256(payload), payload);
    } catch (IllegalStateException e) {
      // not subscribed yet or closing: the next refresh publishes it
    }
  }

  private Verdict validate(NodeId from, byte[] id, byte[] payload) {
    if (!java.util.Arrays.equals(id, Hashes.sha256(payload))) return refuse("gossip", "id_mismatch");
    try {
      admit(RecordIntake.parse(payload), "peer:" + from, false);
      count("accepted.gossip");
      return Verdict.ACCEPT;
    } catch (Refusal r) {
      // expired in flight, superseded or over budget is nobody's fault; a forged or foreign record is the sender's
      if (BLAMELESS.contains(r.code())) {
        count("ignored.gossip." + r.code());
        return Verdict.ignore("record_" + r.code());
      }
      return refuse("gossip", r.code());
    }
  }

  private Verdict refuse(String way, String code) {
    count("refused." + way + "." + code);
    return Verdict.reject("record_" + code);
  }

  private void fetchFrom(NodeId peer) {
    substrate.request(peer, new byte[] {(byte) SERVICE}, 10_000).thenAccept(a -> absorb(peer, a)).exceptionally(e -> null);
  }

  private void absorb(NodeId peer, byte[] answer) {
    if (answer == null || closed) return;
    int bad = 0;
    try {
      WireReader r = new WireReader(answer);
      int n = r.i32();
      if (n < 0 || n > MAX_PER_ANSWER) {
        substrate.penalize(peer, "records: a snapshot claiming " + n + " records");
        return;
      }
      for (int i = 0; i < n; i++) {
        try {
          admit(RecordIntake.parse(r.bytes(NodeRecord.MAX_BYTES)), "peer:" + peer, false);
          count("accepted.snapshot");
        } catch (Refusal refused) {
          if (BLAMELESS.contains(refused.code())) count("ignored.snapshot." + refused.code());
          else {
            count("refused.snapshot." + refused.code());
            bad++;
          }
        }
      }
    } catch (MalformedFrameException e) {
      bad++;
    }
    if (bad > 0) substrate.penalize(peer, "records: a snapshot with " + bad + " invalid records");
  }

  private CompletableFuture<byte[]> answer(NodeId peer, byte[] request) {
    if (!served.allow(peer)) {
      count("snapshots_refused");
      return CompletableFuture.completedFuture(null);
    }
    List<NodeRecord> all = new ArrayList<>(book.all(clock.millis()));
    if (all.size() > MAX_PER_ANSWER) all = all.subList(0, MAX_PER_ANSWER);
    WireWriter w = new WireWriter(0).i32(all.size());
    // WireWriter's first byte is a frame type; the answer starts after it
    for (NodeRecord r : all) w.bytes(r.encode());
    byte[] framed = w.done();
    return CompletableFuture.completedFuture(java.util.Arrays.copyOfRange(framed, 1, framed.length));
  }

  private void count(String key) {
    counters.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  /** Records taken, ignored and refused, by way (gossip, snapshot) and reason. */
  public Map<String, Long> counters() {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  @Override
  public void close() {
    closed = true;
  }
}
