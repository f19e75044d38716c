package dev.wattswarm.p2p.gossip;

import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.transport.Link;
import dev.wattswarm.p2p.transport.Scheduler;
import dev.wattswarm.p2p.wire.FrameType;
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
  private final Map<NodeId, Link> links = new HashMap<>();
  private final Set<NodeId> eager = new LinkedHashSet<>();
  private final Set<NodeId> lazy = new LinkedHashSet<>();
  /** Recently seen messages: id -> (round, payload), oldest first. */
  private final LinkedHashMap<ByteBuffer, byte[]> cache = new LinkedHashMap<>();
  private final Map<ByteBuffer, Integer> rounds = new HashMap<>();
  private final Map<ByteBuffer, List<Announce>> missing = new HashMap<>();
  private final Map<NodeId, List<byte[]>> pendingIhave = new HashMap<>();
  private final Map<NodeId, List<Integer>> pendingIhaveRounds = new HashMap<>();
  private boolean flushScheduled;
  private long delivered;
  private long duplicates;
  private long grafts;

  public Plumtree(String topic, Scheduler scheduler, BroadcastConfig cfg, Delivery delivery) {
    this.topic = topic;
    this.scheduler = scheduler;
    this.cfg = cfg;
    this.delivery = delivery;
    scheduler.schedule(cfg.digestMs(), this::digestTick);
  }

  private java.util.Random random = new java.util.Random(0);
  private boolean closed;

  /** Seeds the choice of digest partners (the simulator passes its seeded source). */
  public void random(java.util.Random r) {
    this.random = r;
  }

  public void close() {
    closed = true;
  }

  /** Offers the newest ids to one random neighbour: anti-entropy for what loss or a partition kept away. */
  private void digestTick() {
    if (closed) return;
    if (!links.isEmpty() && !cache.isEmpty()) {
      List<NodeId> peers = new ArrayList<>(links.keySet());
      NodeId to = peers.get(random.nextInt(peers.size()));
      List<ByteBuffer> ids = new ArrayList<>(cache.keySet());
      int from = Math.max(0, ids.size() - cfg.digestSize());
      WireWriter w = new WireWriter(FrameType.IHAVE).string(topic).i32(ids.size() - from);
      for (int i = from; i < ids.size(); i++) w.fixed(ids.get(i).array()).i32(rounds.getOrDefault(ids.get(i), 0));
      send(to, w.done());
    }
    scheduler.schedule(cfg.digestMs() / 2 + random.nextLong(cfg.digestMs()), this::digestTick);
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
    remember(key, payload, 0);
    push(key, payload, 0, null);
  }

  /** True if this id has been seen recently (delivered or broadcast here). */
  public boolean seen(byte[] id) {
    return cache.containsKey(ByteBuffer.wrap(id));
  }

  public void frame(Link link, int type, WireReader r) {
    NodeId from = link.peer();
    switch (type) {
      case FrameType.GOSSIP -> onGossip(from, r.fixed(32), r.i32(), r.bytes(cfg.maxPayloadBytes()));
      case FrameType.IHAVE -> {
        int n = r.i32();
        if (n < 0 || n > 10_000) throw new dev.wattswarm.p2p.wire.MalformedFrameException("IHAVE of " + n);
        for (int i = 0; i < n; i++) onIhave(from, r.fixed(32), r.i32());
      }
      case FrameType.GRAFT -> onGraft(from, r.fixed(32), r.i32());
      case FrameType.PRUNE -> {
        if (eager.remove(from)) lazy.add(from);
      }
      default -> throw new dev.wattswarm.p2p.wire.MalformedFrameException("not a broadcast frame: " + type);
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
    missing.remove(key);
    remember(key, payload, round);
    if (lazy.remove(from)) eager.add(from);
    delivered++;
    delivery.deliver(topic, id, payload, from);
    push(key, payload, round + 1, from);
  }

  private void onIhave(NodeId from, byte[] id, int round) {
    ByteBuffer key = ByteBuffer.wrap(id);
    if (cache.containsKey(key)) return;
    List<Announce> list = missing.get(key);
    if (list == null) {
      list = new ArrayList<>();
      missing.put(key, list);
      scheduler.schedule(cfg.graftTimeoutMs(), () -> graftMissing(key));
    }
    list.add(new Announce(from, round));
  }

  private void graftMissing(ByteBuffer key) {
    List<Announce> list = missing.get(key);
    if (list == null || list.isEmpty()) {
      missing.remove(key);
      return;
    }
    Announce a = list.remove(0);
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
      pendingIhave.computeIfAbsent(p, k -> new ArrayList<>()).add(key.array());
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
      for (int from = 0; from < ids.size(); from += 1000) {
        int to = Math.min(ids.size(), from + 1000);
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
