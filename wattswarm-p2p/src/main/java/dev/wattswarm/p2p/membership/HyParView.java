package dev.wattswarm.p2p.membership;

import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.limits.DefenseCounters;
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
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Partial-view membership after HyParView (Leitão et al.): a small active view of connected
 * neighbours, a larger passive view for repair, joins spread by random walks, periodic shuffles
 * that keep passive views fresh. A neighbour whose link fails is replaced from the passive view;
 * lost peers are retried every {@code reconnectMs}, with priority, so the halves of a healed
 * partition find each other again.
 *
 * <p>Single-threaded: every method runs on the {@link Scheduler}'s thread.
 */
public final class HyParView {
  /** Neighbour changes, for the broadcast layer. */
  public interface Listener {
    void neighborUp(NodeId peer, Link link);

    void neighborDown(NodeId peer);
  }

  private record Lost(PeerInfo peer, int attempts) {}

  /** Peers one shuffle frame may carry; a longer list is malformed. */
  private static final int MAX_SAMPLE = 64;

  private final Transport transport;
  private final Scheduler scheduler;
  private final MembershipConfig cfg;
  private final Random random;
  private final PeerInfo self;
  private final Map<NodeId, Link> active = new LinkedHashMap<>();
  private final Map<NodeId, PeerInfo> activeInfo = new LinkedHashMap<>();
  private final Map<NodeId, PeerInfo> passive = new LinkedHashMap<>();
  private final Map<NodeId, Lost> lost = new LinkedHashMap<>();
  /** Passive peers that declined us since the last reconnect tick: not asked again until then. */
  private final java.util.Set<NodeId> declined = new java.util.HashSet<>();
  private final List<String> contacts = new ArrayList<>();
  /** Contacts we sent a JOIN to and have no answer from yet. */
  private final java.util.Set<String> joining = new java.util.HashSet<>();
  private final Map<String, NodeId> contactIds = new java.util.HashMap<>();
  private final List<Listener> listeners = new ArrayList<>();
  private final DefenseCounters counters;
  private Predicate<NodeId> shunned = p -> false;
  private boolean running = true;
  private boolean stopped;

  public HyParView(Transport transport, Scheduler scheduler, MembershipConfig cfg, Random random) {
    this(transport, scheduler, cfg, random, new DefenseCounters());
  }

  public HyParView(Transport transport, Scheduler scheduler, MembershipConfig cfg, Random random, DefenseCounters counters) {
    this.transport = transport;
    this.scheduler = scheduler;
    this.cfg = cfg;
    this.random = random;
    this.counters = counters;
    this.self = new PeerInfo(transport.localId(), transport.localAddress());
    Periodic.start(scheduler, "shuffle", () -> cfg.shuffleMs() / 2 + random.nextLong(cfg.shuffleMs()), () -> stopped,
        this::shuffleTick, e -> counters.inc("timer_failures"));
    Periodic.start(scheduler, "reconnect", () -> cfg.reconnectMs() / 2 + random.nextLong(cfg.reconnectMs()), () -> stopped,
        this::reconnectTick, e -> counters.inc("timer_failures"));
  }

  public void addListener(Listener l) {
    listeners.add(l);
  }

  /**
   * Peers not to pick as neighbours (the overlay's: caught misbehaving lately). A neighbour cut
   * for lying is not retried as a lost peer nor kept for repair, so a node whose only neighbours
   * lie replaces them instead of dialling them back; other nodes' views are theirs to judge.
   */
  public void shun(Predicate<NodeId> shunned) {
    this.shunned = shunned;
  }

  public PeerInfo self() {
    return self;
  }

  public Collection<NodeId> activeView() {
    return List.copyOf(active.keySet());
  }

  public Map<NodeId, PeerInfo> activePeers() {
    return Map.copyOf(activeInfo);
  }

  public Collection<NodeId> passiveView() {
    return List.copyOf(passive.keySet());
  }

  public Collection<PeerInfo> passivePeers() {
    return List.copyOf(passive.values());
  }

  public Link link(NodeId peer) {
    return active.get(peer);
  }

  /** Joins the overlay through a contact address (kept for rejoining when isolated). */
  public void join(String contact) {
    join(contact, null);
  }

  /** @param expected the node that must answer at {@code contact}, or null for whoever does */
  public void join(String contact, NodeId expected) {
    if (!contacts.contains(contact)) contacts.add(contact);
    if (expected != null) contactIds.put(contact, expected);
    if (!joining.add(contact)) return; // a join through it is under way
    dial(contact, contactIds.get(contact), link -> {
      // the contact is our neighbour once it says so (JOIN_ACCEPT): taking it at once left us
      // holding a neighbour that never heard of us whenever our JOIN did not get through (dropped
      // over a peer's rate, or the contact stopping), and we heard nothing from it
      if (!link.send(new WireWriter(FrameType.JOIN).peer(self).done())) {
        joining.remove(contact);
        return;
      }
      scheduler.schedule(cfg.reconnectMs(), () -> joinUnanswered(contact, link));
    }, () -> joining.remove(contact));
  }

  /**
   * No JOIN_ACCEPT from a contact after a reconnect period: ask it plainly to be our neighbour on
   * the same link (with priority if we are short of neighbours), and give up on the link if that
   * goes unanswered too.
   */
  private void joinUnanswered(String contact, Link link) {
    joining.remove(contact);
    if (active.containsValue(link) || !link.isOpen() || !running) return;
    counters.inc("joins_unanswered");
    link.send(neighborFrame(needy()));
    scheduler.schedule(cfg.reconnectMs(), () -> {
      if (!active.containsValue(link)) link.close("join unanswered");
    });
  }

  /** After a restart of the transport: forget links, keep what we know, and find the overlay again. */
  public void rejoin() {
    running = true;
    joining.clear(); // what was under way died with the old transport
    for (NodeId p : List.copyOf(active.keySet())) dropActive(p, false);
    for (String c : contacts) join(c);
    if (contacts.isEmpty()) promoteFromPassive();
  }

  public void stop() {
    running = false;
  }

  /** Ends the timers for good (the overlay is closing). */
  public void close() {
    running = false;
    stopped = true;
  }

  // ---- transport events (the owner routes them here on the scheduler's thread)

  public void linkDown(Link link) {
    NodeId p = link.peer();
    if (active.get(p) == link) {
      PeerInfo info = activeInfo.get(p);
      dropActive(p, false);
      if (info != null && !shunned.test(p)) lost.put(p, new Lost(info, 0));
      promoteFromPassive();
    }
  }

  /**
   * A membership frame arrived. The sender is the link's proven peer: a frame that speaks for
   * another node is refused whole before it changes anything.
   *
   * @throws MalformedFrameException for a malformed frame or one claiming another identity
   */
  public void frame(Link link, int type, WireReader r) {
    if (!running) return;
    switch (type) {
      case FrameType.JOIN -> onJoin(link, proven(link, r.peer(), "JOIN"));
      case FrameType.JOIN_ACCEPT -> addActive(link, proven(link, r.peer(), "JOIN_ACCEPT"));
      case FrameType.FORWARD_JOIN -> onForwardJoin(link, r.peer(), r.u8());
      case FrameType.NEIGHBOR -> {
        PeerInfo p = proven(link, r.peer(), "NEIGHBOR");
        onNeighbor(link, p, r.u8() == 1);
      }
      case FrameType.NEIGHBOR_REPLY -> {
        PeerInfo p = proven(link, r.peer(), "NEIGHBOR_REPLY");
        onNeighborReply(link, p, r.u8() == 1);
      }
      case FrameType.DISCONNECT -> onDisconnect(link);
      case FrameType.SHUFFLE -> {
        PeerInfo origin = r.peer();
        int ttl = r.u8();
        List<PeerInfo> sample = r.peers(MAX_SAMPLE);
        onShuffle(link, origin, ttl, sample);
      }
      case FrameType.SHUFFLE_REPLY -> {
        merge(r.peers(MAX_SAMPLE));
        if (!active.containsValue(link)) link.close("shuffle done");
      }
      default -> throw new MalformedFrameException("unknown membership frame " + type);
    }
  }

  /**
   * The sender as the link proves it, with the address it announced in its hello (a frame's own
   * address may be a wildcard, and is the sender's word only).
   */
  private static PeerInfo proven(Link link, PeerInfo claimed, String frame) {
    if (!link.peer().equals(claimed.id())) {
      throw new MalformedFrameException("identity_claims", link.peer() + " sent a " + frame + " in the name of " + claimed.id());
    }
    return new PeerInfo(link.peer(), link.peerListenAddress());
  }

  private void onJoin(Link link, PeerInfo newcomer) {
    // accept before anything else goes down the link: the newcomer takes us as a neighbour on it
    link.send(new WireWriter(FrameType.JOIN_ACCEPT).peer(self).done());
    addActive(link, newcomer);
    byte[] fwd = new WireWriter(FrameType.FORWARD_JOIN).peer(newcomer).u8(cfg.activeWalk()).done();
    for (var e : active.entrySet()) {
      if (!e.getKey().equals(newcomer.id())) e.getValue().send(fwd);
    }
  }

  private void onForwardJoin(Link from, PeerInfo newcomer, int ttl) {
    if (newcomer.id().equals(self.id())) return;
    if (ttl == 0 || active.size() <= 1) {
      if (!active.containsKey(newcomer.id())) {
        acceptJoin(newcomer);
      }
      return;
    }
    if (ttl == cfg.passiveWalk()) addPassive(newcomer);
    Link next = randomActive(from.peer(), newcomer.id());
    if (next != null) next.send(new WireWriter(FrameType.FORWARD_JOIN).peer(newcomer).u8(ttl - 1).done());
    else if (!active.containsKey(newcomer.id())) acceptJoin(newcomer);
  }

  /**
   * Dials a newcomer named in a forwarded join. The name is hearsay: the transport proves who
   * answers, and a node already connected keeps its live link (a forged join cannot replace it).
   */
  private void acceptJoin(PeerInfo newcomer) {
    dial(newcomer.address(), newcomer.id(), link -> {
      Link live = active.get(link.peer());
      if (live != null && live.isOpen()) {
        link.close("already a neighbour");
        return;
      }
      link.send(new WireWriter(FrameType.JOIN_ACCEPT).peer(self).done());
      addActive(link, new PeerInfo(link.peer(), newcomer.address()));
    });
  }

  private void onNeighbor(Link link, PeerInfo peer, boolean high) {
    boolean accept = high || active.size() < cfg.activeSize();
    link.send(new WireWriter(FrameType.NEIGHBOR_REPLY).peer(self).u8(accept ? 1 : 0).done());
    if (accept) addActive(link, peer);
    else scheduler.schedule(1_000, () -> {
      if (!active.containsValue(link)) link.close("neighbor request declined");
    });
  }

  private void onNeighborReply(Link link, PeerInfo peer, boolean accepted) {
    if (accepted) {
      lost.remove(peer.id());
      addActive(link, peer);
    } else {
      // a full view is no fault: keep the peer for repair (the paper does; dropping it drains the
      // passive view of exactly the peers a later repair needs), but ask the others first
      link.close("declined");
      declined.add(peer.id());
      addPassive(peer);
      promoteFromPassive();
    }
  }

  private void onDisconnect(Link link) {
    NodeId p = link.peer();
    if (active.get(p) == link) {
      PeerInfo info = activeInfo.get(p);
      dropActive(p, false);
      if (info != null) addPassive(info);
      promoteFromPassive();
    }
    link.close("disconnected");
  }

  // ---- shuffles and repair

  private void shuffleTick() {
    if (running && !active.isEmpty()) {
      List<PeerInfo> sample = new ArrayList<>();
      sample.add(self);
      sample.addAll(pick(activeInfo.values(), cfg.shuffleActive()));
      sample.addAll(pick(passive.values(), cfg.shufflePassive()));
      Link to = randomActive(null, null);
      if (to != null) to.send(new WireWriter(FrameType.SHUFFLE).peer(self).u8(cfg.activeWalk()).peers(sample).done());
    }
  }

  private void onShuffle(Link from, PeerInfo origin, int ttl, List<PeerInfo> sample) {
    if (origin.id().equals(self.id())) return;
    if (ttl > 1 && active.size() > 1) {
      Link next = randomActive(from.peer(), origin.id());
      if (next != null) {
        next.send(new WireWriter(FrameType.SHUFFLE).peer(origin).u8(ttl - 1).peers(sample).done());
        return;
      }
    }
    List<PeerInfo> reply = pick(passive.values(), sample.size());
    merge(sample);
    byte[] frame = new WireWriter(FrameType.SHUFFLE_REPLY).peers(reply).done();
    Link direct = active.get(origin.id());
    if (direct != null) direct.send(frame);
    else dial(origin.address(), origin.id(), link -> link.send(frame));
  }

  private void reconnectTick() {
    declined.clear();
    if (running) {
      // a link can close without its linkDown reaching us first (a race with a dial or a join
      // completing on another thread): never keep a closed link as a neighbour
      for (var e : List.copyOf(active.entrySet())) {
        if (!e.getValue().isOpen()) linkDown(e.getValue());
      }
      if (active.isEmpty() && passive.isEmpty() && lost.isEmpty()) {
        for (String c : contacts) join(c);
      } else if (!lost.isEmpty()) {
        // try one lost peer with priority: this is what stitches a healed partition back together
        List<NodeId> ids = new ArrayList<>(lost.keySet());
        NodeId id = ids.get(random.nextInt(ids.size()));
        Lost l = lost.get(id);
        if (active.containsKey(id) || shunned.test(id)) {
          lost.remove(id);
        } else {
          lost.put(id, new Lost(l.peer(), l.attempts() + 1));
          if (l.attempts() + 1 > 50) lost.remove(id);
          neighborRequest(l.peer(), true);
        }
      }
      if (active.size() < cfg.activeSize()) promoteFromPassive();
    }
  }

  private void promoteFromPassive() {
    passive.keySet().removeIf(shunned);
    if (!running || active.size() >= cfg.activeSize()) return;
    List<PeerInfo> candidates = new ArrayList<>();
    for (PeerInfo c : passive.values()) if (!declined.contains(c.id())) candidates.add(c);
    if (candidates.isEmpty()) return;
    PeerInfo p = candidates.get(random.nextInt(candidates.size()));
    passive.remove(p.id());
    neighborRequest(p, needy());
  }

  /**
   * Whether our requests for a neighbour must be taken even by a full view. The paper asks with
   * priority only when the active view is empty; a node that cannot be dialled (behind NAT or a
   * firewall) then sits on one or two neighbours for good, since every link it has is one it asked
   * for, and a single silent liar among them cuts it off. Below half the active size we insist.
   */
  private boolean needy() {
    return active.size() < (cfg.activeSize() + 1) / 2;
  }

  /** A request to be a neighbour; with {@code high}, one a full view must take. */
  private byte[] neighborFrame(boolean high) {
    return new WireWriter(FrameType.NEIGHBOR).peer(self).u8(high ? 1 : 0).done();
  }

  private void neighborRequest(PeerInfo p, boolean high) {
    dial(p.address(), p.id(), link -> link.send(neighborFrame(high)), () -> promoteFromPassive());
  }

  // ---- views

  private void addActive(Link link, PeerInfo info) {
    NodeId p = info.id();
    if (p.equals(self.id()) || !link.isOpen()) return;
    Link existing = active.get(p);
    if (existing != null && existing != link) {
      // both sides dialled at once: keep the link dialled by the smaller id, on both ends alike
      NodeId dialerNew = link.inbound() ? p : self.id();
      NodeId dialerOld = existing.inbound() ? p : self.id();
      // same dialer twice means the old link is stale (the peer restarted and came back): keep the new one
      boolean keepNew = dialerNew.equals(dialerOld) || dialerNew.compareTo(dialerOld) < 0;
      if (!keepNew) {
        link.close("duplicate link");
        return;
      }
      active.remove(p);
      existing.close("duplicate link");
    } else if (existing == link) {
      return;
    }
    if (active.size() >= cfg.activeSize()) {
      List<NodeId> ids = new ArrayList<>(active.keySet());
      NodeId victim = ids.get(random.nextInt(ids.size()));
      Link l = active.get(victim);
      PeerInfo vi = activeInfo.get(victim);
      dropActive(victim, true);
      l.send(new WireWriter(FrameType.DISCONNECT).done());
      scheduler.schedule(100, () -> l.close("dropped from active view"));
      if (vi != null) addPassive(vi);
    }
    active.put(p, link);
    activeInfo.put(p, info);
    passive.remove(p);
    lost.remove(p);
    for (Listener l : listeners) l.neighborUp(p, link);
    tellWhomWeKnow(p, link);
  }

  /**
   * Gives a new neighbour a sample of our views. A node that joined through one contact otherwise
   * knows nobody past its first neighbours until its first shuffle, and if they all crash before
   * then it is stranded in an island that can never find the rest (the contact is gone too).
   */
  private void tellWhomWeKnow(NodeId p, Link link) {
    List<PeerInfo> known = new ArrayList<>();
    for (PeerInfo i : activeInfo.values()) if (!i.id().equals(p)) known.add(i);
    known.addAll(pick(passive.values(), 2 * cfg.shufflePassive()));
    if (known.size() > MAX_SAMPLE) known = known.subList(0, MAX_SAMPLE);
    if (!known.isEmpty()) link.send(new WireWriter(FrameType.SHUFFLE_REPLY).peers(known).done());
  }

  private void dropActive(NodeId p, boolean quiet) {
    if (active.remove(p) == null) return;
    activeInfo.remove(p);
    for (Listener l : listeners) l.neighborDown(p);
  }

  private void addPassive(PeerInfo p) {
    if (p.id().equals(self.id()) || active.containsKey(p.id()) || passive.containsKey(p.id()) || shunned.test(p.id())) return;
    if (passive.size() >= cfg.passiveSize()) {
      List<NodeId> ids = new ArrayList<>(passive.keySet());
      passive.remove(ids.get(random.nextInt(ids.size())));
    }
    passive.put(p.id(), p);
  }

  private void merge(List<PeerInfo> sample) {
    for (PeerInfo p : sample) addPassive(p);
  }

  private Link randomActive(NodeId exclude1, NodeId exclude2) {
    List<Link> c = new ArrayList<>();
    for (var e : active.entrySet()) {
      if (!e.getKey().equals(exclude1) && !e.getKey().equals(exclude2)) c.add(e.getValue());
    }
    return c.isEmpty() ? null : c.get(random.nextInt(c.size()));
  }

  private <T> List<T> pick(Collection<T> from, int n) {
    List<T> all = new ArrayList<>(from);
    java.util.Collections.shuffle(all, random);
    return all.subList(0, Math.min(n, all.size()));
  }

  private void dial(String address, NodeId expected, Consumer<Link> then) {
    dial(address, expected, then, () -> {});
  }

  private void dial(String address, NodeId expected, Consumer<Link> then, Runnable failed) {
    java.util.concurrent.CompletableFuture<Link> f;
    try {
      f = transport.connect(address, expected);
    } catch (IllegalArgumentException e) {
      // an address that cannot be dialled (a contact from configuration, or hearsay): drop it, carry on
      counters.inc("bad_addresses");
      f = java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    f.whenComplete((link, err) -> scheduler.execute(() -> {
      if (err != null) {
        if (expected != null) passive.remove(expected);
        failed.run();
      } else if (running) {
        then.accept(link);
      } else {
        link.close("stopped");
      }
    }));
  }
}
