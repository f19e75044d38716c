package dev.wattswarm.p2p.adversary;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.Overlay;
import dev.wattswarm.p2p.gossip.BroadcastConfig;
import dev.wattswarm.p2p.gossip.TopicMesh;
import dev.wattswarm.p2p.membership.MembershipConfig;
import dev.wattswarm.p2p.sim.SimNetwork;
import dev.wattswarm.p2p.sim.SimTransport;
import dev.wattswarm.p2p.transport.Link;
import dev.wattswarm.p2p.wire.FrameType;
import dev.wattswarm.p2p.wire.PeerInfo;
import dev.wattswarm.p2p.wire.WireWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A malicious node in a {@link SimNetwork}. It holds a genuine key and runs an ordinary overlay
 * (so it is a member like any other and relays honestly when not attacking), and on top of that
 * writes raw frames a correct node never would: membership frames in other nodes' names,
 * answers to questions put to others, malformed addresses, oversized frames, IHAVE floods and
 * forged payloads under honest message ids. Self-contained: needs only the simulator.
 */
public final class Byzantine {
  private final SimTransport transport;
  private final Overlay overlay;
  private final Random random;
  private final Map<NodeId, Link> links = new HashMap<>();
  private final Map<NodeId, List<byte[]>> waiting = new HashMap<>();

  public Byzantine(SimNetwork net, KeyPair key, String networkId, Random random) {
    this.random = random;
    this.transport = net.newNode(key, networkId);
    this.overlay = new Overlay(transport, net.scheduler(), MembershipConfig.local(), BroadcastConfig.local(),
        new Random(random.nextLong()));
  }

  public NodeId id() {
    return transport.localId();
  }

  public String address() {
    return transport.localAddress();
  }

  /** Its ordinary face: the overlay it joins and relays with. */
  public Overlay overlay() {
    return overlay;
  }

  /**
   * Sends raw bytes to {@code target} over a link of its own (dialled once, reused while open), in
   * order. The link loses nothing, whatever loss the network has: an attack is sent once, and the
   * tests count on its target seeing (and counting) it.
   */
  public void send(PeerInfo target, byte[] frame) {
    Link l = links.get(target.id());
    if (l != null && l.isOpen()) {
      l.send(frame);
      return;
    }
    List<byte[]> queued = waiting.get(target.id());
    if (queued != null) {
      queued.add(frame);
      return;
    }
    List<byte[]> mine = new ArrayList<>(List.of(frame));
    waiting.put(target.id(), mine);
    transport.connect(target.address(), target.id()).whenComplete((link, err) -> {
      boolean current = waiting.get(target.id()) == mine; // not superseded by freshLinks()
      if (current) waiting.remove(target.id());
      if (link == null) return;
      transport.lossless(link);
      if (current) links.put(target.id(), link);
      for (byte[] f : mine) link.send(f);
    });
  }

  /** Forgets its raw links: the next attack dials afresh (a strike closes the link it came on). */
  public void freshLinks() {
    links.clear();
    waiting.clear();
  }

  /** NEIGHBOR, JOIN_ACCEPT and NEIGHBOR_REPLY frames naming {@code victim} instead of itself. */
  public void claimIdentity(PeerInfo target, NodeId victim) {
    PeerInfo fake = new PeerInfo(victim, address());
    send(target, new WireWriter(FrameType.NEIGHBOR).peer(fake).u8(1).done());
    send(target, new WireWriter(FrameType.JOIN_ACCEPT).peer(fake).done());
    send(target, new WireWriter(FrameType.NEIGHBOR_REPLY).peer(fake).u8(1).done());
  }

  /** RESPONSE frames for request ids {@code 1..count}: ids are sequential, so some are someone else's. */
  public void misroutedResponses(PeerInfo target, int count) {
    for (long id = 1; id <= count; id++) {
      send(target, new WireWriter(FrameType.RESPONSE).i64(id).bytes("forged answer".getBytes()).done());
    }
  }

  /** Membership frames carrying addresses no one can dial: no port, port 0, out of range, blank, huge. */
  public void malformedAddresses(PeerInfo target) {
    for (String bad : List.of("no-port", "host:0", "host:99999", " :80", "x".repeat(300) + ":1", "a b:7")) {
      PeerInfo p = new PeerInfo(randomId(), bad);
      send(target, new WireWriter(FrameType.SHUFFLE_REPLY).peers(List.of(p)).done());
      send(target, new WireWriter(FrameType.FORWARD_JOIN).peer(p).u8(0).done());
    }
  }

  /** A directory announcement (correct id) with an undialable address. */
  public void malformedAnnouncement(PeerInfo target) {
    byte[] a = TopicMesh.announcement(new PeerInfo(randomId(), "nowhere:70000"), List.of("x.region:a.events"), 1);
    send(target, gossip(TopicMesh.DIRECTORY, TopicMesh.idOf(a), a));
  }

  /** Many well-formed announcements for made-up nodes and topics, to grow the directory. */
  public void directoryFlood(PeerInfo target, int announcements, int topicsEach) {
    for (int i = 0; i < announcements; i++) {
      List<String> topics = new ArrayList<>();
      for (int t = 0; t < topicsEach; t++) topics.add("x.region:" + random.nextInt(1_000_000) + ".events");
      byte[] a = TopicMesh.announcement(new PeerInfo(randomId(), "10.0.0.1:" + (1 + random.nextInt(60_000))), topics, i);
      send(target, gossip(TopicMesh.DIRECTORY, TopicMesh.idOf(a), a));
    }
  }

  /** A GOSSIP frame whose payload is one byte over {@code cap}. */
  public void oversizedGossip(PeerInfo target, String topic, int cap) {
    byte[] payload = new byte[cap + 1];
    send(target, gossip(topic, Hashes.sha256(payload), payload));
  }

  /** {@code frames} full IHAVEs of made-up ids, then one over the per-frame cap. */
  public void ihaveFlood(PeerInfo target, String topic, int perFrameCap, int frames) {
    for (int f = 0; f < frames; f++) send(target, ihave(topic, perFrameCap));
    send(target, ihave(topic, perFrameCap + 1));
  }

  /** {@code n} small well-formed frames at once (PRUNEs), to fill a link's inbound queue. */
  public void frameFlood(PeerInfo target, String topic, int n) {
    byte[] prune = new WireWriter(FrameType.PRUNE).string(topic).done();
    for (int i = 0; i < n; i++) send(target, prune);
  }

  private byte[] ihave(String topic, int n) {
    WireWriter w = new WireWriter(FrameType.IHAVE).string(topic).i32(n);
    for (int i = 0; i < n; i++) {
      byte[] id = new byte[32];
      random.nextBytes(id);
      w.fixed(id).i32(0);
    }
    return w.done();
  }

  /** A forged payload under an honest message's id: what would poison the id if not validated. */
  public void forgedGossip(PeerInfo target, String topic, byte[] honestId) {
    send(target, gossip(topic, honestId, ("forged " + random.nextInt()).getBytes()));
  }

  private static byte[] gossip(String topic, byte[] id, byte[] payload) {
    return new WireWriter(FrameType.GOSSIP).string(topic).fixed(id).i32(0).bytes(payload).done();
  }

  private NodeId randomId() {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    return new KeyPair(secret).id();
  }
}
