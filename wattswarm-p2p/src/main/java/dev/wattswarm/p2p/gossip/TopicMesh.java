package dev.wattswarm.p2p.gossip;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.transport.Link;
import dev.wattswarm.p2p.transport.Scheduler;
import dev.wattswarm.p2p.transport.Transport;
import dev.wattswarm.p2p.wire.FrameType;
import dev.wattswarm.p2p.wire.PeerInfo;
import dev.wattswarm.p2p.wire.WireReader;
import dev.wattswarm.p2p.wire.WireWriter;
import dev.wattswarm.p2p.limits.DefenseCounters;
import dev.wattswarm.p2p.wire.MalformedFrameException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Keeps scoped topics connected. Membership neighbours are random, so in a large swarm the few
 * subscribers of {@code region:eu} are rarely each other's neighbours. Every node announces its
 * scoped topics on a directory topic all nodes share; a subscriber with fewer than
 * {@link #TARGET} peers in a topic's tree adds other subscribers to that topic's tree only: over
 * the membership link when they are neighbours, else over a direct link it dials. A peer that receives gossip for a topic it does not subscribe to says
 * so (TOPIC_LEAVE) and is dropped from that tree: non-subscribers never deliver or store it.
 *
 * <p>Global topics are not announced (every node subscribes to them), and their trees are the
 * membership neighbours. But a neighbour need not be honest: one that leaves (or never joins) a
 * global topic takes itself out of that tree, and a node whose neighbours all do so would hear
 * nothing while its membership looks healthy. So a thin global tree is topped up the same way,
 * from the passive view (random members) instead of the directory.
 *
 * <p>Single-threaded on the overlay's scheduler.
 */
public final class TopicMesh {
  public static final String DIRECTORY = "_wattswarm.subscriptions";
  static final int TARGET = 3;

  private record Known(PeerInfo peer, long seenAt) {}

  private final Transport transport;
  private final Scheduler scheduler;
  private final Function<String, Plumtree> topics;
  private final Function<NodeId, Link> neighbourLink;
  private final Supplier<Collection<PeerInfo>> members;
  private final Supplier<Collection<Plumtree>> trees;
  private final Random random;
  private final long announceMs;
  private final Map<String, Map<NodeId, Known>> directory = new HashMap<>();
  /** What each announcing node announced last, so a new announcement replaces the old one. */
  private final Map<NodeId, Set<String>> byPeer = new HashMap<>();
  private final BroadcastConfig cfg;
  private final DefenseCounters counters;
  private final Set<String> leaveSent = new HashSet<>();
  private Runnable announce = () -> {};
  private volatile java.util.function.BiPredicate<String, NodeId> allowed = (topic, peer) -> true;

  /**
   * @param members known members that are not neighbours (the passive view), to top up global trees
   * @param trees every subscribed topic's tree
   */
  public TopicMesh(Transport transport, Scheduler scheduler, Function<String, Plumtree> topics,
      Function<NodeId, Link> neighbourLink, Supplier<Collection<PeerInfo>> members, Supplier<Collection<Plumtree>> trees,
      Random random, long announceMs, BroadcastConfig cfg, DefenseCounters counters) {
    this.members = members;
    this.trees = trees;
    this.cfg = cfg;
    this.counters = counters;
    this.neighbourLink = neighbourLink;
    this.transport = transport;
    this.scheduler = scheduler;
    this.topics = topics;
    this.random = random;
    this.announceMs = announceMs;
  }

  /** Which peers may join which topic's tree (private topics: only their parties). */
  public void peerFilter(java.util.function.BiPredicate<String, NodeId> f) {
    this.allowed = f;
  }

  /** How to publish this node's announcement (set by the overlay once the directory topic exists). */
  public void announcer(Runnable r) {
    this.announce = r;
  }

  public static boolean scoped(String topic) {
    return !topic.equals(DIRECTORY) && !topic.contains(".global.");
  }

  public static byte[] announcement(PeerInfo self, List<String> scopedTopics, long now) {
    WireWriter w = new WireWriter(0).peer(self).i64(now).i32(scopedTopics.size());
    for (String t : scopedTopics) w.string(t);
    return w.done();
  }

  public static byte[] idOf(byte[] announcement) {
    return Hashes.sha256(announcement);
  }

  /**
   * The directory topic's validator: the id must be the announcement's hash (so a forged copy
   * cannot claim an honest one's id) and the announcement must parse within its bounds.
   */
  public Verdict validate(NodeId from, byte[] id, byte[] payload) {
    if (!Arrays.equals(id, idOf(payload))) return Verdict.reject("id_mismatch");
    try {
      parse(payload);
      return Verdict.ACCEPT;
    } catch (MalformedFrameException e) {
      return Verdict.reject(e.reason().equals("bad_addresses") ? "bad_address" : "malformed_announcement");
    }
  }

  private record Announcement(PeerInfo peer, List<String> topics) {}

  private Announcement parse(byte[] payload) {
    WireReader r = new WireReader(payload);
    r.u8();
    PeerInfo p = r.peer();
    r.i64();
    int n = r.i32();
    if (n < 0 || n > cfg.directoryTopicsPerPeer()) throw new MalformedFrameException("announcement of " + n + " topics");
    List<String> topics = new ArrayList<>(n);
    for (int i = 0; i < n; i++) topics.add(r.string(512));
    if (!r.atEnd()) throw new MalformedFrameException("announcement has trailing bytes");
    return new Announcement(p, topics);
  }

  /** An announcement arrived on the directory topic (already validated). */
  public void onAnnouncement(byte[] payload) {
    Announcement a = parse(payload);
    NodeId id = a.peer().id();
    long now = scheduler.now();
    Set<String> before = byPeer.get(id);
    if (before == null && byPeer.size() >= cfg.directoryTopics()) {
      counters.inc("directory_dropped");
      return;
    }
    Set<String> now_ = new HashSet<>();
    for (String topic : a.topics()) {
      Map<NodeId, Known> m = directory.get(topic);
      if (m == null) {
        if (directory.size() >= cfg.directoryTopics()) {
          counters.inc("directory_dropped");
          continue;
        }
        m = new HashMap<>();
        directory.put(topic, m);
      }
      m.put(id, new Known(a.peer(), now));
      now_.add(topic);
    }
    if (before != null) for (String old : before) if (!now_.contains(old)) remove(old, id);
    byPeer.put(id, now_);
  }

  private void remove(String topic, NodeId id) {
    Map<NodeId, Known> m = directory.get(topic);
    if (m == null) return;
    m.remove(id);
    if (m.isEmpty()) directory.remove(topic);
  }

  /** Distinct topics in the directory (bounded by {@code directoryTopics}). */
  public int directoryTopics() {
    return directory.size();
  }

  /** Announcing nodes in the directory (bounded by {@code directoryTopics}). */
  public int directoryPeers() {
    return byPeer.size();
  }

  /** Periodic: announce, forget stale entries, and top up the trees of thin topics. */
  public void tick(List<String> subscribed) {
    announce.run();
    long now = scheduler.now();
    for (var e : List.copyOf(directory.entrySet())) {
      for (Known k : List.copyOf(e.getValue().values())) {
        if (now - k.seenAt() > 5 * announceMs) {
          remove(e.getKey(), k.peer().id());
          Set<String> mine = byPeer.get(k.peer().id());
          if (mine != null && mine.remove(e.getKey()) && mine.isEmpty()) byPeer.remove(k.peer().id());
        }
      }
    }
    for (String topic : subscribed) {
      if (topic.equals(DIRECTORY)) continue;
      Plumtree t = topics.apply(topic);
      if (t == null || t.peerCount() >= TARGET) continue;
      List<PeerInfo> candidates = new ArrayList<>();
      if (scoped(topic)) {
        for (Known k : directory.getOrDefault(topic, Map.of()).values()) candidates.add(k.peer());
      } else {
        candidates.addAll(members.get());
      }
      candidates.removeIf(p -> p.id().equals(transport.localId()) || t.hasPeer(p.id()) || !allowed.test(topic, p.id()));
      java.util.Collections.shuffle(candidates, random);
      for (PeerInfo k : candidates.subList(0, Math.min(TARGET - t.peerCount(), candidates.size()))) {
        Link existing = neighbourLink.apply(k.id());
        if (existing != null) {
          existing.send(new WireWriter(FrameType.TOPIC_JOIN).string(topic).done());
          t.neighborUp(k.id(), existing);
          continue;
        }
        transport.connect(k.address(), k.id()).thenAccept(link -> scheduler.execute(() -> {
          Plumtree again = topics.apply(topic);
          if (again == null) {
            link.close("unsubscribed meanwhile");
            return;
          }
          link.send(new WireWriter(FrameType.TOPIC_JOIN).string(topic).done());
          if (!again.hasPeer(link.peer())) again.neighborUp(link.peer(), link);
        }));
      }
    }
  }

  public void frame(Link link, int type, WireReader r) {
    String topic = r.string(512);
    Plumtree t = topics.apply(topic);
    if (type == FrameType.TOPIC_JOIN) {
      if (t != null && !allowed.test(topic, link.peer())) {
        counters.inc("dropped_frames.topic_join_refused");
        link.send(new WireWriter(FrameType.TOPIC_LEAVE).string(topic).done());
      } else if (t == null) link.send(new WireWriter(FrameType.TOPIC_LEAVE).string(topic).done());
      else if (!t.hasPeer(link.peer())) t.neighborUp(link.peer(), link);
    } else if (type == FrameType.TOPIC_LEAVE && t != null) {
      t.neighborDown(link.peer());
      // a link dialled for topics the peer shares none of is dead weight (and a top-up would dial again)
      if (neighbourLink.apply(link.peer()) != link && trees.get().stream().noneMatch(x -> x.linkOf(link.peer()) == link)) {
        link.close("no shared topic");
      }
    }
  }

  /** Gossip for a topic we do not subscribe to: tell the sender once, so it stops. */
  public void notSubscribed(Link link, String topic) {
    String key = link.peer() + "|" + topic;
    if (leaveSent.contains(key)) return;
    if (leaveSent.size() >= cfg.directoryTopics()) {
      counters.inc("dropped_frames.unsubscribed"); // topic names come from peers: remember only so many
      return;
    }
    leaveSent.add(key);
    link.send(new WireWriter(FrameType.TOPIC_LEAVE).string(topic).done());
  }

  /** A link went down: remove it from every tree that used it. */
  public void linkDown(Link link, Iterable<Plumtree> all) {
    leaveSent.removeIf(k -> k.startsWith(link.peer() + "|"));
    for (Plumtree t : all) {
      if (t.linkOf(link.peer()) == link) t.neighborDown(link.peer());
    }
  }
}
