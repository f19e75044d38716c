package dev.wattswarm.p2p;

import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.gossip.BroadcastConfig;
import dev.wattswarm.p2p.gossip.Plumtree;
import dev.wattswarm.p2p.membership.HyParView;
import dev.wattswarm.p2p.membership.MembershipConfig;
import dev.wattswarm.p2p.transport.Link;
import dev.wattswarm.p2p.transport.Scheduler;
import dev.wattswarm.p2p.transport.Transport;
import dev.wattswarm.p2p.wire.FrameType;
import dev.wattswarm.p2p.wire.MalformedFrameException;
import dev.wattswarm.p2p.wire.WireReader;
import dev.wattswarm.p2p.wire.WireWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;

/**
 * One node's view of the swarm over any {@link Transport}: HyParView membership, a PlumTree per
 * subscribed topic, and request/response to neighbours. Everything runs on one {@link Scheduler}
 * (virtual time in the simulator, a real thread in a node), so the protocols need no locks; frames
 * from the transport are handed over to it. A peer that sends a malformed frame is counted and
 * its link closed; the node carries on.
 */
public final class Overlay implements Substrate, Transport.Listener {
  private final Transport transport;
  private final Scheduler scheduler;
  private final BroadcastConfig bcfg;
  private final Random random;
  private final HyParView membership;
  private final Map<String, Plumtree> topics = new HashMap<>();
  private final Map<Long, CompletableFuture<byte[]>> pending = new HashMap<>();
  private BiFunction<NodeId, byte[], CompletableFuture<byte[]>> requestHandler = (p, b) -> CompletableFuture.completedFuture(null);
  private java.util.function.Supplier<byte[]> bundleProvider = () -> null;
  private final dev.wattswarm.p2p.limits.Penalties penalties;
  private long nextRequest = 1;
  private volatile long violations;
  private volatile long lateResponses;

  /** Responses that arrived after their request had timed out (dropped). */
  @Override
  public long lateResponses() {
    return lateResponses;
  }
  /** Neighbours as of the last change, readable from any thread. */
  private volatile Map<NodeId, dev.wattswarm.p2p.wire.PeerInfo> neighbours = Map.of();
  private final java.util.List<MembershipListener> neighbourListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  public Overlay(Transport transport, Scheduler scheduler, MembershipConfig mcfg, BroadcastConfig bcfg, Random random) {
    this(transport, scheduler, mcfg, bcfg, dev.wattswarm.p2p.limits.PeerLimits.defaults(), random);
  }

  public Overlay(Transport transport, Scheduler scheduler, MembershipConfig mcfg, BroadcastConfig bcfg,
      dev.wattswarm.p2p.limits.PeerLimits limits, Random random) {
    this.penalties = new dev.wattswarm.p2p.limits.Penalties(limits);
    this.transport = transport;
    this.scheduler = scheduler;
    this.bcfg = bcfg;
    this.random = random;
    this.membership = new HyParView(transport, scheduler, mcfg, random);
    membership.onViolation(m -> violations++);
    membership.addListener(new HyParView.Listener() {
      @Override
      public void neighborUp(NodeId peer, Link link) {
        // scoped topics take only peers known to subscribe (see TopicMesh)
        for (Plumtree t : topics.values()) if (!dev.wattswarm.p2p.gossip.TopicMesh.scoped(t.topic())) t.neighborUp(peer, link);
        neighbours = membership.activePeers();
        for (MembershipListener l : neighbourListeners) l.peerUp(peer);
      }

      @Override
      public void neighborDown(NodeId peer) {
        for (Plumtree t : topics.values()) t.neighborDown(peer);
        neighbours = membership.activePeers();
        for (MembershipListener l : neighbourListeners) l.peerDown(peer);
      }
    });
    transport.setListener(this);
    this.mesh = new dev.wattswarm.p2p.gossip.TopicMesh(transport, scheduler, topics::get, membership::link,
        new Random(random.nextLong()), mcfg.shuffleMs());
    subscribe(dev.wattswarm.p2p.gossip.TopicMesh.DIRECTORY, (t, id, payload, from) -> mesh.onAnnouncement(payload));
    mesh.announcer(() -> {
      List<String> scoped = new ArrayList<>();
      for (String t : topics.keySet()) if (dev.wattswarm.p2p.gossip.TopicMesh.scoped(t)) scoped.add(t);
      if (scoped.isEmpty()) return;
      byte[] a = dev.wattswarm.p2p.gossip.TopicMesh.announcement(membership.self(), scoped, scheduler.now());
      Plumtree dir = topics.get(dev.wattswarm.p2p.gossip.TopicMesh.DIRECTORY);
      if (dir != null) dir.broadcast(dev.wattswarm.p2p.gossip.TopicMesh.idOf(a), a);
    });
    scheduleMesh(mcfg.shuffleMs());
  }

  private final dev.wattswarm.p2p.gossip.TopicMesh mesh;

  private void scheduleMesh(long everyMs) {
    scheduler.schedule(everyMs / 2 + random.nextLong(everyMs), () -> {
      if (closed) return;
      mesh.tick(new ArrayList<>(topics.keySet()));
      refreshTopicPeers();
      scheduleMesh(everyMs);
    });
  }

  private volatile boolean closed;
  private volatile Map<String, java.util.Set<NodeId>> topicPeers = Map.of();

  private void refreshTopicPeers() {
    Map<String, java.util.Set<NodeId>> m = new HashMap<>();
    for (var e : topics.entrySet()) {
      java.util.Set<NodeId> peers = new java.util.HashSet<>(e.getValue().eagerPeers());
      peers.addAll(e.getValue().lazyPeers());
      m.put(e.getKey(), java.util.Set.copyOf(peers));
    }
    topicPeers = Map.copyOf(m);
  }

  @Override
  public java.util.Set<NodeId> peersFor(String topic) {
    return topicPeers.getOrDefault(topic, java.util.Set.of());
  }

  /** Current neighbours (id and listen address); safe from any thread. */
  @Override
  public Map<NodeId, dev.wattswarm.p2p.wire.PeerInfo> neighbours() {
    return neighbours;
  }

  /** Neighbour changes, called on the scheduler thread. */
  @Override
  public void addMembershipListener(MembershipListener l) {
    neighbourListeners.add(l);
  }

  @Override
  public NodeId localId() {
    return transport.localId();
  }

  @Override
  public long rejectedPeers() {
    return transport.rejectedPeers() + violations;
  }

  @Override
  public Scheduler scheduler() {
    return scheduler;
  }

  public HyParView membership() {
    return membership;
  }

  public Transport transport() {
    return transport;
  }

  public void join(String contact) {
    scheduler.execute(() -> membership.join(contact));
  }

  /** Joins through {@code contact}, which must prove it is {@code expected}. */
  public void join(String contact, NodeId expected) {
    scheduler.execute(() -> membership.join(contact, expected));
  }

  /** Receives every message of {@code topic} exactly once (duplicates are suppressed). */
  @Override
  public void subscribe(String topic, Plumtree.Delivery delivery) {
    scheduler.execute(() -> {
      if (topics.containsKey(topic)) return;
      Plumtree t = new Plumtree(topic, scheduler, bcfg, delivery);
      t.random(new Random(random.nextLong()));
      if (!dev.wattswarm.p2p.gossip.TopicMesh.scoped(topic)) {
        for (var e : membership.activeView()) t.neighborUp(e, membership.link(e));
      }
      topics.put(topic, t);
    });
  }

  @Override
  public void unsubscribe(String topic) {
    scheduler.execute(() -> {
      Plumtree t = topics.remove(topic);
      if (t != null) t.close();
    });
  }

  /** Broadcasts to every subscriber of {@code topic}; {@code id} names the message swarm-wide. */
  @Override
  public void publish(String topic, byte[] id, byte[] payload) {
    scheduler.execute(() -> {
      Plumtree t = topics.get(topic);
      if (t == null) throw new IllegalStateException("publish to '" + topic + "' needs a subscription to it first");
      t.broadcast(id, payload);
    });
  }

  public Plumtree topic(String topic) {
    return topics.get(topic);
  }

  /**
   * Answers requests from neighbours, possibly later and on another thread (store reads must not
   * hold up the protocol thread); complete with null for "no answer" (the caller times out).
   */
  @Override
  public void onRequest(BiFunction<NodeId, byte[], CompletableFuture<byte[]>> handler) {
    this.requestHandler = handler;
  }

  /** Asks a neighbour; fails with a TimeoutException after {@code timeoutMs}, or at once if it is not a neighbour. */
  @Override
  public CompletableFuture<byte[]> request(NodeId peer, byte[] payload, long timeoutMs) {
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    scheduler.execute(() -> {
      Link l = membership.link(peer);
      for (var it = topics.values().iterator(); l == null && it.hasNext(); ) l = it.next().linkOf(peer);
      if (l == null) {
        f.completeExceptionally(new IllegalStateException(peer + " is not a neighbour"));
        return;
      }
      long id = nextRequest++;
      pending.put(id, f);
      l.send(new WireWriter(FrameType.REQUEST).i64(id).bytes(payload).done());
      scheduler.schedule(timeoutMs, () -> {
        CompletableFuture<byte[]> p = pending.remove(id);
        if (p != null) p.completeExceptionally(new TimeoutException("no answer from " + peer + " in " + timeoutMs + " ms"));
      });
    });
    return f;
  }

  /** What to send a joining node that asks for the network's bootstrap bundle. */
  public void bundleProvider(java.util.function.Supplier<byte[]> provider) {
    this.bundleProvider = provider;
  }

  public long violations() {
    return violations;
  }

  // ---- transport callbacks, moved onto the scheduler

  @Override
  public void linkUp(Link link) {
    // a link becomes a neighbour only through a membership frame
  }

  @Override
  public void frame(Link link, byte[] frame) {
    scheduler.execute(() -> dispatch(link, frame));
  }

  @Override
  public void linkDown(Link link, String reason) {
    scheduler.execute(() -> {
      membership.linkDown(link);
      mesh.linkDown(link, List.copyOf(topics.values()));
    });
  }

  /**
   * Records a strike against a peer (a malformed frame here, or an invalid event found by the
   * layer above); enough strikes ban it for a while and close its links.
   */
  @Override
  public void penalize(NodeId peer, String reason) {
    scheduler.execute(() -> strike(peer, null, reason));
  }

  private void strike(NodeId peer, Link link, String reason) {
    violations++;
    if (penalties.strike(peer, scheduler.now())) {
      Link l = membership.link(peer);
      if (l != null) l.close("banned: " + reason);
      if (link != null) link.close("banned: " + reason);
    } else if (link != null) {
      link.close("protocol violation: " + reason);
    }
  }

  /** Frames dropped by the per-peer and per-topic limits. */
  public long rateLimited() {
    return penalties.dropped();
  }

  public long bans() {
    return penalties.bans();
  }

  private void dispatch(Link link, byte[] frame) {
    long now = scheduler.now();
    if (penalties.banned(link.peer(), now)) {
      link.close("peer is banned");
      return;
    }
    if (!penalties.admitFrame(link.peer(), now)) return;
    try {
      WireReader r = new WireReader(frame);
      int type = r.u8();
      if (FrameType.membership(type)) {
        membership.frame(link, type, r);
      } else if (FrameType.broadcast(type)) {
        String topic = r.string(512);
        Plumtree t = topics.get(topic);
        // any authenticated peer of the network may forward; the tree itself is built from neighbours
        if (t == null) mesh.notSubscribed(link, topic);
        else if (type != FrameType.GOSSIP || penalties.admitMessage(topic, now)) t.frame(link, type, r);
      } else if (type == FrameType.TOPIC_JOIN || type == FrameType.TOPIC_LEAVE) {
        mesh.frame(link, type, r);
      } else if (type == FrameType.REQUEST) {
        long id = r.i64();
        requestHandler.apply(link.peer(), r.bytes(bcfg.maxPayloadBytes())).whenComplete((answer, err) -> {
          if (answer != null) link.send(new WireWriter(FrameType.RESPONSE).i64(id).bytes(answer).done());
        });
      } else if (type == FrameType.BUNDLE_REQUEST) {
        byte[] bundle = bundleProvider.get();
        if (bundle != null) link.send(new WireWriter(FrameType.BUNDLE).bytes(bundle).done());
      } else if (type == FrameType.RESPONSE) {
        CompletableFuture<byte[]> f = pending.remove(r.i64());
        if (f != null) f.complete(r.bytes(bcfg.maxPayloadBytes()));
        else lateResponses++; // its request already timed out: dropped, counted
      } else {
        throw new MalformedFrameException("unknown frame type " + type);
      }
    } catch (MalformedFrameException | IllegalArgumentException e) {
      strike(link.peer(), link, e.getMessage());
    }
  }

  @Override
  public void close() {
    closed = true;
    membership.stop();
    for (Plumtree t : topics.values()) t.close();
    transport.close();
  }
}
