package dev.wattswarm.node.p2p;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.node.network.NodeRecord;
import dev.wattswarm.node.network.NodeRecordBook;
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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Every node's signed {@link NodeRecord}, known to every member: each node signs its own and
 * gossips it on {@code {network}.global.records} when it starts, when a neighbour comes up and
 * before it expires; a node that gains a neighbour also asks it for every record it knows (router
 * service {@link #SERVICE}), so a newcomer can dial anyone at once. Only records that verify
 * (signature by their node, this network, time window) are stored or forwarded; the overlay dials
 * non-neighbours from this book.
 */
public final class NodeRecords implements AutoCloseable {
  /** Router service byte: "send me the records you know". */
  public static final int SERVICE = 20;
  /** Records in one answer to {@link #SERVICE}, at most. */
  static final int MAX_PER_ANSWER = 512;

  private final KeyPair key;
  private final String networkId;
  private final Clock clock;
  private final Substrate substrate;
  private final NodeRecordBook book;
  private final List<String> addrs;
  private final long ttlMs;
  private final String topic;
  private volatile Supplier<String> publicUrl = () -> null;
  private volatile Supplier<List<String>> capabilities = List::of;
  private volatile Supplier<Optional<NodeRecord.Location>> location = Optional::empty;
  private volatile NodeRecord self;
  private volatile boolean closed;

  /**
   * @param addrs where this node can be dialled (non-wildcard host:port), in order of preference
   * @param ttlMs how long each signed record is valid; it is re-signed and gossiped at a third of it
   */
  public NodeRecords(KeyPair key, String networkId, Clock clock, Overlay overlay, RequestRouter router, List<String> addrs,
      long ttlMs, int capacity) {
    this.key = key;
    this.networkId = networkId;
    this.clock = clock;
    this.substrate = overlay;
    this.addrs = List.copyOf(addrs);
    this.ttlMs = ttlMs;
    this.book = new NodeRecordBook(networkId, capacity);
    this.topic = networkId + ".global.records";
    overlay.addressResolver(id -> book.addresses(id, clock.millis()));
    overlay.subscribe(topic, this::validate, (t, id, payload, from) -> {});
    router.register(SERVICE, this::answer);
    overlay.addMembershipListener(new Substrate.MembershipListener() {
      @Override
      public void peerUp(NodeId peer) {
        publish();
        fetchFrom(peer);
      }

      @Override
      public void peerDown(NodeId peer) {}
    });
    Periodic.start(overlay.scheduler(), "node-records", () -> Math.max(1_000, ttlMs / 3), () -> closed, this::refresh,
        e -> {});
    refresh();
  }

  /** The verified records of this network (shared with Discovery). */
  public NodeRecordBook book() {
    return book;
  }

  /** This node's current signed record. */
  public NodeRecord self() {
    return self;
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
    NodeRecord r = NodeRecord.sign(key, networkId, addrs, publicUrl.get(), capabilities.get(), location.get(), now, ttlMs);
    self = r;
    book.offer(r, now);
    publish();
  }

  private void publish() {
    NodeRecord r = self;
    if (r == null || closed) return;
    byte[] payload = r.encode();
    try {
      substrate.publish(topic, Hashes.sha256(payload), payload);
    } catch (IllegalStateException e) {
      // not subscribed yet or closing: the next refresh publishes it
    }
  }

  private Verdict validate(NodeId from, byte[] id, byte[] payload) {
    if (!java.util.Arrays.equals(id, Hashes.sha256(payload))) return Verdict.reject("record_id_mismatch");
    NodeRecord r;
    try {
      r = NodeRecord.decode(payload);
    } catch (IllegalArgumentException e) {
      return Verdict.reject("malformed_record");
    }
    try {
      NodeRecordBook.Outcome o = book.offer(r, clock.millis());
      return o == NodeRecordBook.Outcome.STALE ? Verdict.ignore("stale_record") : Verdict.ACCEPT;
    } catch (IllegalArgumentException e) {
      // expired in flight is nobody's fault; a bad signature or foreign network is the sender's
      return e.getMessage().contains("expired") || e.getMessage().contains("future")
          ? Verdict.ignore("record_out_of_window") : Verdict.reject("bad_record");
    }
  }

  private void fetchFrom(NodeId peer) {
    substrate.request(peer, new byte[] {(byte) SERVICE}, 10_000).thenAccept(this::absorb).exceptionally(e -> null);
  }

  private void absorb(byte[] answer) {
    if (answer == null) return;
    long now = clock.millis();
    try {
      WireReader r = new WireReader(answer);
      int n = r.i32();
      if (n < 0 || n > MAX_PER_ANSWER) return;
      for (int i = 0; i < n; i++) {
        try {
          book.offer(NodeRecord.decode(r.bytes(NodeRecord.MAX_BYTES)), now);
        } catch (IllegalArgumentException e) {
          // a record that does not verify is skipped; the rest still count
        }
      }
    } catch (MalformedFrameException e) {
      // a truncated answer: keep what verified
    }
  }

  private CompletableFuture<byte[]> answer(NodeId peer, byte[] request) {
    List<NodeRecord> all = new ArrayList<>(book.all(clock.millis()));
    if (all.size() > MAX_PER_ANSWER) all = all.subList(0, MAX_PER_ANSWER);
    WireWriter w = new WireWriter(0).i32(all.size());
    // WireWriter's first byte is a frame type; the answer starts after it
    for (NodeRecord r : all) w.bytes(r.encode());
    byte[] framed = w.done();
    return CompletableFuture.completedFuture(java.util.Arrays.copyOfRange(framed, 1, framed.length));
  }

  @Override
  public void close() {
    closed = true;
  }
}
