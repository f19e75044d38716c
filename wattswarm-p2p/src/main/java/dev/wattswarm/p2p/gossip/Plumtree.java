package dev.wattswarm.p2p.gossip;

import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.limits.DefenseCounters;
import dev.wattswarm.p2p.transport.Link;
import dev.wattswarm.p2p.transport.Periodic;
import dev.wattswarm.p2p.transport.Scheduler;
import dev.wattswarm.p2p.wire.FrameType;
import dev.wattswarm.p2p.wire.MalformedFrameException;
import dev.wattswarm.p2p.wire.WireReader;
import dev.wattswarm.p2p.wire.WireWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Epidemic broadcast trees after PlumTree (Leitão et al.) for one topic: payloads are pushed
 * eagerly along a spanning tree that forms itself (a duplicate prunes the link that brought it to
 * lazy), and lazy links carry only batched IHAVE announcements; a message announced but not
 * received in time is pulled with GRAFT, which also repairs the tree. Loss and failed links are
 * healed by the lazy links, so delivery holds without flooding.
 *
 * <p>Every received payload passes the topic's {@link Validator} before anything else: a rejected
 * one is not marked seen, cached or forwarded, and its sender (the peer whose link carried it) is
 * struck. What peers can make a tree hold (announced ids, ids per IHAVE) is bounded.
 *
 * <p>Single-threaded on the {@link Scheduler}, like the membership it rides on.
 */
public final class Plumtree {
  /** A delivered message. */
  public interface Delivery {
    void deliver(String topic, byte[] id, byte[] payload, NodeId from);
  }

  private record Announce(NodeId peer, int round) {}

  private final String topic;
  private final Scheduler scheduler;
  private final BroadcastConfig cfg;
  private final Delivery delivery;
  private final Validator validator;
  private final DefenseCounters counters;
  private final Map<NodeId, Link> links = new HashMap<>();
  private final Set<NodeId> eager = new LinkedHashSet<>();
  private final Set<NodeId> lazy = new LinkedHashSet<>();
  /** Recently seen (valid) messages: id -> payload, oldest first. */
  private final LinkedHashMap<ByteBuffer, byte[]> cache = new LinkedHashMap<>();
  private final Map<ByteBuffer, Integer> rounds = new HashMap<>();
  private final Map<ByteBuffer, List<Announce>> missing = new HashMap<>();
  private final Map<NodeId, Integer> missingPerPeer = new HashMap<>();
  private int missingTotal;
  private final Map<NodeId, List<byte[]>> pendingIhave = new HashMap<>();
  private final Map<NodeId, List<Integer>> pendingIhaveRounds = new HashMap<>();
  private boolean flushScheduled;
  private long delivered;
  private long duplicates;
  private long grafts;
  private java.util.Random random = new java.util.Random(0);
  private boolean closed;

  public Plumtree(String topic, Scheduler scheduler, BroadcastConfig cfg, Delivery delivery) {
    this(topic, scheduler, cfg, delivery, Validator.ACCEPT_ALL, new DefenseCounters());
  }

  public Plumtree(String topic, Scheduler scheduler, BroadcastConfig cfg, Delivery delivery, Validator validator,
      DefenseCounters counters) {
    this.topic = topic;
    this.scheduler = scheduler;
    this.cfg = cfg;
    this.delivery = delivery;
    this.validator = validator;
    this.counters = counters;
    Periodic.start(scheduler, "digest " + topic, () -> cfg.digestMs() / 2 + random.nextLong(cfg.digestMs()),
        () -> closed, this::digest, e -> counters.inc("timer_failures"));
  }

  /** Seeds the choice of digest partners (the simulator passes its seeded source). */
  public void random(java.util.Random r) {
    this.random = r;
  }

  public void close() {
    closed = true;
  }

  /** Offers the newest ids to one random neighbour: anti-entropy for what loss or a partition kept away. */
  private void digest() {
    if (links.isEmpty() || cache.isEmpty()) return;
    List<NodeId> peers = new ArrayList<>(links.keySet());
    NodeId to = peers.get(random.nextInt(peers.size()));
    List<ByteBuffer> ids = new ArrayList<>(cache.keySet());
    int from = Math.max(0, ids.size() - Math.min(cfg.digestSize(), cfg.maxIhaveIds()));
    WireWriter w = new WireWriter(FrameType.IHAVE).string(topic).i32(ids.size() - from);
    for (int i = from; i < ids.size(); i++) w.fixed(ids.get(i).array()).i32(rounds.getOrDefault(ids.get(i), 0));
    send(to, w.done());
  }

  public String topic() {
    return topic;
  }

  public void neighborUp(NodeId peer, Link link) {
    links.put(peer, link);
    lazy.remove(peer);
    eager.add(peer);
  }

  public void neighborDown(NodeId peer) {
    links.remove(peer);
    eager.remove(peer);
    lazy.remove(peer);
    pendingIhave.remove(peer);
    pendingIhaveRounds.remove(peer);
  }

  /** Broadcasts a message that originates here; {@code id} names it swarm-wide (an event id). */
  public void broadcast(byte[] id, byte[] payload) {
    ByteBuffer key = ByteBuffer.wrap(id.clone());
    if (cache.containsKey(key)) return;
    forgetMissing(key);
    remember(key, payload, 0);
    push(key, payload, 0, null);
  }

  /** True if this id has been seen recently (delivered or broadcast here). */
  public boolean seen(byte[] id) {
    return cache.containsKey(ByteBuffer.wrap(id));
  }

  /** @throws MalformedFrameException when the frame is malformed or its payload is refused (a strike) */
  public void frame(Link link, int type, WireReader r) {
    NodeId from = link.peer();
    switch (type) {
      case FrameType.GOSSIP -> {
        byte[] id = r.fixed(32);
        int round = r.i32();
        byte[] payload;
        try {
          payload = r.bytes(cfg.maxPayloadBytes());
        } catch (MalformedFrameException e) {
          throw new MalformedFrameException("oversized_gossip", "gossip on " + topic + ": " + e.getMessage());
        }
        onGossip(from, id, round, payload);
      }
      case FrameType.IHAVE -> {
        int n = r.i32();
        if (n < 0 || n > cfg.maxIhaveIds()) {
          throw new MalformedFrameException("oversized_ihave", "IHAVE of " + n + " ids (max " + cfg.maxIhaveIds() + ")");
        }
        for (int i = 0; i < n; i++) onIhave(from, r.fixed(32), r.i32());
      }
      case FrameType.GRAFT -> onGraft(from, r.fixed(32), r.i32());
      case FrameType.PRUNE -> {
        if (eager.remove(from)) lazy.add(from);
      }
      default -> throw new MalformedFrameException("not a broadcast frame: " + type);
    }
  }

  private void onGossip(NodeId from, byte[] id, int round, byte[] payload) {
    ByteBuffer key = ByteBuffer.wrap(id);
    if (cache.containsKey(key)) {
      duplicates++;
      // a second copy: this link is redundant in the tree
      if (eager.remove(from)) lazy.add(from);
      send(from, new WireWriter(FrameType.PRUNE).string(topic).done());
      return;
    }
    Verdict v = judge(from, id, payload);
    if (v.kind() == Verdict.Kind.REJECT) {
      counters.inc("rejected_gossip." + v.reason());
      throw new MalformedFrameException("invalid_gossip", "gossip " + ByteBuffer.wrap(id).getInt() + " on " + topic
          + " refused: " + v.reason());
    }
    if (v.kind() == Verdict.Kind.IGNORE) {
      counters.inc("ignored_gossip");
      return;
    }
    forgetMissing(key);
    remember(key, payload, round);
    if (lazy.remove(from)) eager.add(from);
    delivered++;
    try {
      delivery.deliver(topic, id, payload, from);
    } catch (RuntimeException e) {
      // our subscriber's fault, not the sender's: count it and keep the tree going
      counters.inc("delivery_failures");
    }
    push(key, payload, round + 1, from);
  }

  private Verdict judge(NodeId from, byte[] id, byte[] payload) {
    try {
      Verdict v = validator.validate(from, id, payload);
      return v == null ? Verdict.ignore("no verdict") : v;
    } catch (RuntimeException e) {
      counters.inc("validator_failures");
      return Verdict.ignore("validator failed");
    }
  }

  private void onIhave(NodeId from, byte[] id, int round) {
    ByteBuffer key = ByteBuffer.wrap(id);
    if (cache.containsKey(key)) return;
    int mine = missingPerPeer.getOrDefault(from, 0);
    if (mine >= cfg.maxMissingPerPeer() || missingTotal >= cfg.maxMissingTotal()) {
      counters.inc("ihave_dropped");
      return;
    }
    List<Announce> list = missing.get(key);
    if (list == null) {
      list = new ArrayList<>();
      missing.put(key, list);
      scheduler.schedule(cfg.graftTimeoutMs(), () -> graftMissing(key));
    }
    list.add(new Announce(from, round));
    missingPerPeer.put(from, mine + 1);
    missingTotal++;
  }

  private void forgetMissing(ByteBuffer key) {
    List<Announce> list = missing.remove(key);
    if (list != null) for (Announce a : list) released(a);
  }

  private void released(Announce a) {
    missingTotal--;
    missingPerPeer.computeIfPresent(a.peer(), (p, n) -> n <= 1 ? null : n - 1);
  }

  private void graftMissing(ByteBuffer key) {
    List<Announce> list = missing.get(key);
    if (list == null || list.isEmpty()) {
      missing.remove(key);
      return;
    }
    Announce a = list.remove(0);
    released(a);
    if (links.containsKey(a.peer())) {
      grafts++;
      if (lazy.remove(a.peer())) eager.add(a.peer());
      send(a.peer(), new WireWriter(FrameType.GRAFT).string(topic).fixed(key.array()).i32(a.round()).done());
    }
    scheduler.schedule(list.isEmpty() ? cfg.graftTimeoutMs() * 4 : cfg.secondGraftMs(), () -> graftMissing(key));
  }

  private void onGraft(NodeId from, byte[] id, int round) {
    if (lazy.remove(from)) eager.add(from);
    if (!links.containsKey(from)) return;
    eager.add(from);
    byte[] payload = cache.get(ByteBuffer.wrap(id));
    if (payload != null) {
      send(from, new WireWriter(FrameType.GOSSIP).string(topic).fixed(id).i32(rounds.getOrDefault(ByteBuffer.wrap(id), round))
          .bytes(payload).done());
    }
  }

  private void push(ByteBuffer key, byte[] payload, int round, NodeId except) {
    byte[] frame = new WireWriter(FrameType.GOSSIP).string(topic).fixed(key.array()).i32(round).bytes(payload).done();
    for (NodeId p : List.copyOf(eager)) {
      if (!p.equals(except)) send(p, frame);
    }
    for (NodeId p : lazy) {
      if (p.equals(except)) continue;
      List<byte[]> ids = pendingIhave.computeIfAbsent(p, k -> new ArrayList<>());
      if (ids.size() >= cfg.maxMissingPerPeer()) {
        counters.inc("ihave_unsent"); // the digest offers it later
        continue;
      }
      ids.add(key.array());
      pendingIhaveRounds.computeIfAbsent(p, k -> new ArrayList<>()).add(round);
    }
    if (!pendingIhave.isEmpty() && !flushScheduled) {
      flushScheduled = true;
      scheduler.schedule(cfg.ihaveFlushMs(), this::flushIhave);
    }
  }

  private void flushIhave() {
    flushScheduled = false;
    for (var e : pendingIhave.entrySet()) {
      List<byte[]> ids = e.getValue();
      List<Integer> rs = pendingIhaveRounds.get(e.getKey());
      for (int from = 0; from < ids.size(); from += cfg.maxIhaveIds()) {
        int to = Math.min(ids.size(), from + cfg.maxIhaveIds());
        WireWriter w = new WireWriter(FrameType.IHAVE).string(topic).i32(to - from);
        for (int i = from; i < to; i++) w.fixed(ids.get(i)).i32(rs.get(i));
        send(e.getKey(), w.done());
      }
    }
    pendingIhave.clear();
    pendingIhaveRounds.clear();
  }

  private void remember(ByteBuffer key, byte[] payload, int round) {
    cache.put(key, payload);
    rounds.put(key, round);
    while (cache.size() > cfg.cacheMessages()) {
      ByteBuffer oldest = cache.keySet().iterator().next();
      cache.remove(oldest);
      rounds.remove(oldest);
    }
  }

  private void send(NodeId peer, byte[] frame) {
    Link l = links.get(peer);
    if (l != null && !l.send(frame)) {
      // the link is saturated: leave the peer to the lazy path rather than queue without bound
      if (eager.remove(peer)) lazy.add(peer);
    }
  }

  public long delivered() {
    return delivered;
  }

  public long duplicates() {
    return duplicates;
  }

  public long grafts() {
    return grafts;
  }

  /** Announced ids waiting for their payload (bounded by {@code maxMissingTotal}). */
  public int missingCount() {
    return missingTotal;
  }

  /** The most announced-but-missing ids any one peer holds here (bounded by {@code maxMissingPerPeer}). */
  public int maxMissingOfOnePeer() {
    int m = 0;
    for (int n : missingPerPeer.values()) m = Math.max(m, n);
    return m;
  }

  /** Peers this topic's tree can use. */
  public int peerCount() {
    return links.size();
  }

  public Link linkOf(NodeId peer) {
    return links.get(peer);
  }

  public boolean hasPeer(NodeId peer) {
    return links.containsKey(peer);
  }

  public Set<NodeId> eagerPeers() {
    return Set.copyOf(eager);
  }

  public Set<NodeId> lazyPeers() {
    return Set.copyOf(lazy);
  }
}
