package dev.wattswarm.p2p;

import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.gossip.BroadcastConfig;
import dev.wattswarm.p2p.gossip.Plumtree;
import dev.wattswarm.p2p.gossip.TopicMesh;
import dev.wattswarm.p2p.gossip.Validator;
import dev.wattswarm.p2p.limits.DefenseCounters;
import dev.wattswarm.p2p.limits.Penalties;
import dev.wattswarm.p2p.limits.PeerLimits;
import dev.wattswarm.p2p.membership.HyParView;
import dev.wattswarm.p2p.membership.MembershipConfig;
import dev.wattswarm.p2p.reach.ReachConfig;
import dev.wattswarm.p2p.reach.Relay;
import dev.wattswarm.p2p.reach.RelayFrames;
import dev.wattswarm.p2p.transport.Link;
import dev.wattswarm.p2p.transport.Periodic;
import dev.wattswarm.p2p.transport.Scheduler;
import dev.wattswarm.p2p.transport.Transport;
import dev.wattswarm.p2p.wire.FrameType;
import dev.wattswarm.p2p.wire.MalformedFrameException;
import dev.wattswarm.p2p.wire.PeerInfo;
import dev.wattswarm.p2p.wire.WireReader;
import dev.wattswarm.p2p.wire.WireWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's view of the swarm over any {@link Transport}: HyParView membership, a PlumTree per
 * subscribed topic, and request/response to any node (see {@link Reach}). Everything runs on one {@link Scheduler}
 * (virtual time in the simulator, a real thread in a node), so the protocols need no locks; frames
 * from the transport are handed over to it through a bounded queue per link.
 *
 * <p>The sender of every frame is the link's proven peer, whatever the frame says. A peer that
 * sends a malformed frame, speaks for another node, answers a question put to another or relays
 * an invalid payload takes a strike and loses its link; enough strikes ban it for a while.
 * Everything dropped or refused is counted in {@link #defenseCounters()}.
 */
public final class Overlay implements Substrate, Transport.Listener {
  private static final Logger log = LoggerFactory.getLogger(Overlay.class);
  /**
   * Largest request or response body. Separate from the gossip cap, which a network may set to
   * its event size: a backfill answer carries many events.
   */
  public static final int MAX_REQUEST_BYTES = 1 << 20;

  private final Transport transport;
  private final Scheduler scheduler;
  private final BroadcastConfig bcfg;
  private final Random random;
  private final DefenseCounters counters = new DefenseCounters();
  private final HyParView membership;
  private final Map<String, Plumtree> topics = new HashMap<>();
  private final Penalties penalties;
  private final Requests requests;
  private final InboundQueues inbound;
  private final TopicMesh mesh;
  private final Reach reach;
  private final ReachConfig reachCfg;
  private volatile ProvenHandler requestHandler = (p, direct, b) -> CompletableFuture.completedFuture(null);
  private Supplier<byte[]> bundleProvider = () -> null;
  private volatile RequestObserver requestObserver = RequestObserver.NONE;
  private volatile boolean closed;
  /** Neighbours as of the last change, readable from any thread. */
  private volatile Map<NodeId, PeerInfo> neighbours = Map.of();
  private volatile Map<String, Set<NodeId>> topicPeers = Map.of();
  private final List<MembershipListener> neighbourListeners = new CopyOnWriteArrayList<>();
  /** Open links a request came in on, so each is handed to the direct-link cache once (removed when down). */
  private final Set<Link> adopted = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public Overlay(Transport transport, Scheduler scheduler, MembershipConfig mcfg, BroadcastConfig bcfg, Random random) {
    this(transport, scheduler, mcfg, bcfg, PeerLimits.defaults(), random);
  }

  public Overlay(Transport transport, Scheduler scheduler, MembershipConfig mcfg, BroadcastConfig bcfg, PeerLimits limits,
      Random random) {
    this(transport, scheduler, mcfg, bcfg, limits, ReachConfig.defaults(), random);
  }

  public Overlay(Transport transport, Scheduler scheduler, MembershipConfig mcfg, BroadcastConfig bcfg, PeerLimits limits,
      ReachConfig reachCfg, Random random) {
    this.reachCfg = reachCfg;
    this.penalties = new Penalties(limits, counters);
    this.requests = new Requests(scheduler, limits, counters);
    this.inbound = new InboundQueues(limits, counters);
    this.transport = transport;
    this.scheduler = scheduler;
    this.bcfg = bcfg;
    this.random = random;
    this.membership = new HyParView(transport, scheduler, mcfg, random, counters);
    membership.shun(peer -> penalties.struck(peer, scheduler.now()));
    membership.addListener(new HyParView.Listener() {
      @Override
      public void neighborUp(NodeId peer, Link link) {
        // scoped topics take only peers known to subscribe (see TopicMesh)
        for (Plumtree t : topics.values()) if (!TopicMesh.scoped(t.topic())) t.neighborUp(peer, link);
        neighbours = membership.activePeers();
        for (MembershipListener l : neighbourListeners) tell(() -> l.peerUp(peer));
      }

      @Override
      public void neighborDown(NodeId peer) {
        for (Plumtree t : topics.values()) t.neighborDown(peer);
        neighbours = membership.activePeers();
        for (MembershipListener l : neighbourListeners) tell(() -> l.peerDown(peer));
      }
    });
    this.reach = new Reach(transport, scheduler, reachCfg, requests, counters, this::ownedLink, this::heardAddresses,
        new Relay.Env() {
          @Override
          public Link linkTo(NodeId peer) {
            return reach.linkTo(peer);
          }

          @Override
          public java.util.Collection<Link> neighbourLinks() {
            List<Link> out = new ArrayList<>();
            for (NodeId p : membership.activeView()) {
              Link l = membership.link(p);
              if (l != null && l.isOpen()) out.add(l);
            }
            return out;
          }

          @Override
          public CompletableFuture<byte[]> handle(NodeId origin, byte[] payload) {
            return requestHandler.answer(origin, false, payload); // relayed: only the payload's signature proves it
          }

          @Override
          public void strike(Link link, String key, String detail) {
            counters.inc(key);
            Overlay.this.strike(link.peer(), link, key, detail);
          }
        // its own stream, not drawn from the overlay's: adding reach must not reshuffle a seeded
        // simulation's membership (relay ids need only be unique; signatures, not secrecy, protect them)
        }, new Random(java.util.Arrays.hashCode(transport.localId().keyBytes()) * 31L + 17), MAX_REQUEST_BYTES);
    transport.setListener(this);
    this.mesh = new TopicMesh(transport, scheduler, topics::get, membership::link, membership::passivePeers,
        () -> List.copyOf(topics.values()), new Random(random.nextLong()),
        mcfg.shuffleMs(), bcfg, counters);
    subscribe(TopicMesh.DIRECTORY, mesh::validate, (t, id, payload, from) -> mesh.onAnnouncement(payload));
    mesh.announcer(() -> {
      List<String> scoped = new ArrayList<>();
      for (String t : topics.keySet()) if (TopicMesh.scoped(t)) scoped.add(t);
      if (scoped.isEmpty()) return;
      if (scoped.size() > bcfg.directoryTopicsPerPeer()) {
        // a longer announcement is refused by everyone; the topics left out still get trees
        // from the other side, whose announcements we answer with TOPIC_JOIN
        counters.inc("announce_truncated");
        java.util.Collections.sort(scoped);
        scoped = new ArrayList<>(scoped.subList(0, bcfg.directoryTopicsPerPeer()));
      }
      byte[] a = TopicMesh.announcement(membership.self(), scoped, scheduler.now());
      Plumtree dir = topics.get(TopicMesh.DIRECTORY);
      if (dir != null) dir.broadcast(TopicMesh.idOf(a), a);
    });
    Periodic.start(scheduler, "mesh", () -> mcfg.shuffleMs() / 2 + random.nextLong(mcfg.shuffleMs()), () -> closed, () -> {
      mesh.tick(new ArrayList<>(topics.keySet()));
      penalties.sweep(scheduler.now());
      reach.sweep();
      refreshTopicPeers();
    }, e -> counters.inc("timer_failures"));
  }

  /** A listener of ours that throws must not take membership down with it. */
  private void tell(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      counters.inc("listener_failures");
      log.warn("membership listener failed", e);
    }
  }

  private void refreshTopicPeers() {
    Map<String, Set<NodeId>> m = new HashMap<>();
    for (var e : topics.entrySet()) {
      Set<NodeId> peers = new HashSet<>(e.getValue().eagerPeers());
      peers.addAll(e.getValue().lazyPeers());
      m.put(e.getKey(), Set.copyOf(peers));
    }
    topicPeers = Map.copyOf(m);
  }

  @Override
  public Set<NodeId> peersFor(String topic) {
    return topicPeers.getOrDefault(topic, Set.of());
  }

  @Override
  public Map<NodeId, PeerInfo> neighbours() {
    return neighbours;
  }

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
    return transport.rejectedPeers() + counters.get("strikes");
  }

  @Override
  public long lateResponses() {
    return counters.get("late_responses");
  }

  @Override
  public SortedMap<String, Long> defenseCounters() {
    SortedMap<String, Long> m = counters.snapshot();
    m.put("rejected_peers", transport.rejectedPeers());
    return m;
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

  @Override
  public void subscribe(String topic, Plumtree.Delivery delivery) {
    subscribe(topic, Validator.ACCEPT_ALL, delivery);
  }

  @Override
  public void subscribe(String topic, Validator validator, Plumtree.Delivery delivery) {
    scheduler.execute(() -> {
      if (topics.containsKey(topic)) return;
      Plumtree t = new Plumtree(topic, scheduler, bcfg, delivery, validator, counters);
      t.random(new Random(random.nextLong()));
      if (!TopicMesh.scoped(topic)) {
        for (var e : membership.activeView()) t.neighborUp(e, membership.link(e));
      }
      topics.put(topic, t);
    });
  }

  @Override
  public void topicPeerFilter(java.util.function.BiPredicate<String, NodeId> allowed) {
    mesh.peerFilter(allowed);
  }

  @Override
  public void unsubscribe(String topic) {
    scheduler.execute(() -> {
      Plumtree t = topics.remove(topic);
      if (t != null) t.close();
      penalties.forgetTopic(topic);
    });
  }

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

  @Override
  public void onRequest(BiFunction<NodeId, byte[], CompletableFuture<byte[]>> handler) {
    this.requestHandler = (origin, direct, payload) -> handler.apply(origin, payload);
  }

  @Override
  public void onProvenRequest(ProvenHandler handler) {
    this.requestHandler = handler;
  }

  /**
   * Asks any node of the network: over an existing link, a direct link dialled from the addresses
   * it signed, or through the overlay (see {@link Reach}). Fails with a TimeoutException after
   * {@code timeoutMs}, or sooner with {@link dev.wattswarm.p2p.reach.UnreachableException} when
   * the peer cannot be dialled and every relay branch reports that nobody holds a link to it.
   */
  @Override
  public CompletableFuture<byte[]> request(NodeId peer, byte[] payload, long timeoutMs) {
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    RequestObserver obs = requestObserver;
    if (obs != RequestObserver.NONE) {
      long start = System.nanoTime();
      int service = payload.length == 0 ? -1 : payload[0] & 0xff;
      f.whenComplete((answer, failure) -> obs.completed(service, RequestObserver.outcome(answer, failure), System.nanoTime() - start));
    }
    // the latency path: a peer with a link already found is asked from the caller's thread
    Link l = reach.quickLink(peer);
    if (l != null && requests.ask(l, payload, timeoutMs, f)) return f;
    scheduler.execute(() -> reach.ask(peer, payload, timeoutMs, f));
    return f;
  }

  /**
   * {@code direct} goes out only on a link already found to the peer (TLS proves it at both ends),
   * written from the caller's thread when the link is idle (so do not call this on the protocol
   * thread); the first request to a peer, a relayed one and one asked again after its link fell
   * carry {@code anyPath.get()}.
   */
  @Override
  public CompletableFuture<byte[]> request(NodeId peer, byte[] direct, java.util.function.Supplier<byte[]> anyPath, long timeoutMs) {
    Link l = reach.quickLink(peer);
    if (l == null) return request(peer, anyPath.get(), timeoutMs);
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    RequestObserver obs = requestObserver;
    if (obs != RequestObserver.NONE) {
      long start = System.nanoTime();
      int service = direct.length == 0 ? -1 : direct[0] & 0xff;
      f.whenComplete((answer, failure) -> obs.completed(service, RequestObserver.outcome(answer, failure), System.nanoTime() - start));
    }
    if (requests.ask(l, direct, anyPath, timeoutMs, f, true)) return f;
    byte[] payload = anyPath.get();
    scheduler.execute(() -> reach.ask(peer, payload, timeoutMs, f));
    return f;
  }

  @Override
  public void observeRequests(RequestObserver observer) {
    this.requestObserver = observer == null ? RequestObserver.NONE : observer;
  }

  /**
   * Where to find the addresses a node signed for itself (its node record), to dial a node that is
   * not a neighbour. Called on the protocol thread; must not block.
   */
  public void addressResolver(java.util.function.Function<NodeId, java.util.Collection<String>> resolver) {
    reach.addresses(resolver);
  }

  /** A neighbour's or topic tree's link to {@code peer}, or null. */
  private Link ownedLink(NodeId peer) {
    Link l = membership.link(peer);
    for (var it = topics.values().iterator(); l == null && it.hasNext(); ) l = it.next().linkOf(peer);
    return l;
  }

  /** Addresses membership heard for {@code peer} (unsigned: a dial proves or refutes them). */
  private java.util.Collection<String> heardAddresses(NodeId peer) {
    for (PeerInfo p : membership.passivePeers()) if (p.id().equals(peer)) return List.of(p.address());
    return List.of();
  }

  /** What to send a joining node that asks for the network's bootstrap bundle. */
  public void bundleProvider(Supplier<byte[]> provider) {
    this.bundleProvider = provider;
  }

  /** Strikes recorded (protocol violations and invalid payloads). */
  public long violations() {
    return counters.get("strikes");
  }

  // ---- transport callbacks, moved onto the scheduler

  @Override
  public void linkUp(Link link) {
    // a link becomes a neighbour only through a membership frame
  }

  @Override
  public void frame(Link link, byte[] frame) {
    // answers are matched where they arrive: only one to a request we sent that very peer counts,
    // so they need neither the queue nor the rate limit, and skip a thread hop
    if (frame.length > 0 && frame[0] == FrameType.RESPONSE) {
      try {
        WireReader r = new WireReader(frame);
        r.u8();
        long id = r.i64();
        requests.response(link.peer(), id, r.bytes(MAX_REQUEST_BYTES));
      } catch (MalformedFrameException e) {
        scheduler.execute(() -> violation(link, e));
      }
      return;
    }
    if (frame.length > 0 && frame[0] == FrameType.REQUEST) {
      answerHere(link, frame);
      return;
    }
    if (!inbound.admit(link, frame.length)) return;
    scheduler.execute(() -> {
      inbound.taken(link, frame.length);
      dispatch(link, frame);
    });
  }

  /**
   * A request is answered on the link's reader thread, under the same ban and rate checks as
   * every frame (Penalties is thread-safe): no hop through the protocol thread, and a handler that
   * answers at once writes its answer from here. A slow handler holds up only this peer's link.
   */
  private void answerHere(Link link, byte[] frame) {
    if (!admitted(link, scheduler.now())) return;
    long id;
    byte[] body;
    try {
      WireReader r = new WireReader(frame);
      r.u8();
      id = r.i64();
      body = r.bytes(MAX_REQUEST_BYTES);
    } catch (MalformedFrameException e) {
      scheduler.execute(() -> violation(link, e));
      return;
    } catch (IllegalArgumentException e) {
      scheduler.execute(() -> {
        counters.inc("malformed_frames");
        strike(link.peer(), link, "malformed_frames", e.getMessage());
      });
      return;
    }
    // a link no neighbour or tree uses joins the direct-link cache once; later requests only mark it used
    if (adopted.add(link)) scheduler.execute(() -> reach.adopt(link));
    else reach.used(link);
    requests.answer(link, id, body, requestHandler);
  }

  @Override
  public void linkDown(Link link, String reason) {
    adopted.remove(link);
    // requests waiting on this link will get no answer on it: ask again by another way
    for (Requests.Orphan o : requests.orphaned(link)) {
      scheduler.execute(() -> reach.ask(o.peer(), o.payload(), Math.max(1, o.deadline() - scheduler.now()), o.future()));
    }
    scheduler.execute(() -> {
      inbound.forget(link);
      reach.linkDown(link);
      membership.linkDown(link);
      mesh.linkDown(link, List.copyOf(topics.values()));
    });
  }

  /**
   * Records a strike against a peer (an invalid event found by the layer above); enough strikes
   * ban it for a while and close its links.
   */
  @Override
  public void penalize(NodeId peer, String reason) {
    scheduler.execute(() -> strike(peer, null, "penalized", reason));
  }

  private void strike(NodeId peer, Link link, String key, String detail) {
    counters.inc("strikes");
    counters.inc("strikes." + key);
    log.debug("strike against {}: {} ({})", peer, key, detail);
    if (penalties.strike(peer, scheduler.now())) {
      Link l = membership.link(peer);
      if (l != null) l.close("banned: " + detail);
      if (link != null) link.close("banned: " + detail);
    } else if (link != null) {
      link.close("protocol violation: " + detail);
    }
  }

  /** Frames dropped by the per-peer and per-topic limits. */
  public long rateLimited() {
    return penalties.dropped();
  }

  public long bans() {
    return penalties.bans();
  }

  /** Peers this node bans now. */
  public Set<NodeId> bannedPeers() {
    return penalties.bannedPeers(scheduler.now());
  }

  /**
   * Sizes of the structures peers can make grow, each bounded by a limit: for tests and metrics.
   * Call on the scheduler's thread (or in the simulator between steps).
   */
  public SortedMap<String, Long> boundedSizes() {
    SortedMap<String, Long> m = new TreeMap<>();
    m.put("penalty_records", (long) penalties.trackedPeers());
    m.put("pending_requests", (long) requests.pendingTotal());
    m.put("directory_topics", (long) mesh.directoryTopics());
    m.put("directory_peers", (long) mesh.directoryPeers());
    long missing = 0;
    long perPeer = 0;
    for (Plumtree t : topics.values()) {
      missing = Math.max(missing, t.missingCount());
      perPeer = Math.max(perPeer, t.maxMissingOfOnePeer());
    }
    m.put("ihave_missing_max_topic", missing);
    m.put("ihave_missing_max_peer", perPeer);
    m.put("inbound_queues", (long) inbound.links());
    m.put("direct_links", (long) reach.direct().size());
    m.put("relay_routes", (long) reach.relay().routes());
    m.put("relay_seen", (long) reach.relay().seenIds());
    m.put("relay_waiting", (long) reach.relay().waiting());
    return m;
  }

  /** Requests awaiting an answer from {@code peer}. */
  public int pendingRequests(NodeId peer) {
    return requests.pendingFor(peer);
  }

  /** Every frame from a link passes here first: a banned peer's link is closed, a flooding peer's frame dropped. */
  private boolean admitted(Link link, long now) {
    if (penalties.banned(link.peer(), now)) {
      counters.inc("dropped_frames.banned");
      link.close("peer is banned");
      return false;
    }
    return penalties.admitFrame(link.peer(), now);
  }

  private void dispatch(Link link, byte[] frame) {
    long now = scheduler.now();
    if (!admitted(link, now)) return;
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
        byte[] body = r.bytes(MAX_REQUEST_BYTES);
        reach.adopt(link);
        requests.answer(link, id, body, requestHandler);
      } else if (type == FrameType.RELAY_REQUEST) {
        reach.relay().onRequest(link, RelayFrames.readRequest(r, MAX_REQUEST_BYTES, reachCfg.relayTtl()));
      } else if (type == FrameType.RELAY_RESPONSE) {
        reach.relay().onResponse(link, RelayFrames.readResponse(r, MAX_REQUEST_BYTES));
      } else if (type == FrameType.RELAY_NACK) {
        reach.relay().onNack(link, RelayFrames.readNack(r));
      } else if (type == FrameType.BUNDLE_REQUEST) {
        byte[] bundle = bundleProvider.get();
        if (bundle != null) link.send(new WireWriter(FrameType.BUNDLE).bytes(bundle).done());
      } else if (type == FrameType.RESPONSE) {
        long id = r.i64();
        requests.response(link.peer(), id, r.bytes(MAX_REQUEST_BYTES));
      } else {
        throw new MalformedFrameException("unknown frame type " + type);
      }
    } catch (MalformedFrameException e) {
      violation(link, e);
    } catch (IllegalArgumentException e) {
      counters.inc("malformed_frames");
      strike(link.peer(), link, "malformed_frames", e.getMessage());
    }
  }

  private void violation(Link link, MalformedFrameException e) {
    if (e.reason().equals("bad_addresses")) counters.inc("bad_addresses");
    if (e.reason().equals("identity_claims")) counters.inc("identity_claims");
    if (e.reason().equals("malformed_frames")) counters.inc("malformed_frames");
    strike(link.peer(), link, e.reason(), e.getMessage());
  }

  @Override
  public void close() {
    closed = true;
    membership.close();
    for (Plumtree t : topics.values()) t.close();
    transport.close();
  }
}
