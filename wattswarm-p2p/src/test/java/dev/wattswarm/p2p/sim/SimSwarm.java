package dev.wattswarm.p2p.sim;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.p2p.Overlay;
import dev.wattswarm.p2p.gossip.BroadcastConfig;
import dev.wattswarm.p2p.membership.MembershipConfig;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** N overlay nodes in one simulated network, all subscribed to one topic, with delivery records. */
final class SimSwarm {
  static final String TOPIC = "local:sim.global.events";

  final SimNetwork net;
  final List<Overlay> nodes = new ArrayList<>();
  final List<SimTransport> transports = new ArrayList<>();
  final List<Set<ByteBuffer>> received = new ArrayList<>();
  final Set<Integer> down = new HashSet<>();
  long duplicatesDelivered;

  SimSwarm(long seed, int n) {
    net = new SimNetwork(seed);
    Random keys = new Random(seed);
    for (int i = 0; i < n; i++) {
      byte[] secret = new byte[32];
      keys.nextBytes(secret);
      SimTransport t = net.newNode(new KeyPair(secret), "local:sim");
      Overlay o = new Overlay(t, net.scheduler(), MembershipConfig.local(), BroadcastConfig.local(), new Random(seed * 31 + i));
      Set<ByteBuffer> got = new HashSet<>();
      o.subscribe(TOPIC, (topic, id, payload, from) -> {
        if (!got.add(ByteBuffer.wrap(id))) duplicatesDelivered++;
      });
      nodes.add(o);
      transports.add(t);
      received.add(got);
    }
  }

  /** Node i joins through a random earlier node, a few at a time, as a growing swarm would. */
  void joinAll() {
    Random r = new Random(net.seed());
    for (int i = 1; i < nodes.size(); i++) {
      nodes.get(i).join(transports.get(r.nextInt(i)).localAddress());
      if (i % 20 == 0) net.scheduler().runFor(200);
    }
    net.scheduler().runFor(10_000);
  }

  byte[] publish(int from, String text) {
    byte[] payload = text.getBytes();
    byte[] id = Hashes.sha256(payload);
    nodes.get(from).publish(TOPIC, id, payload);
    received.get(from).add(ByteBuffer.wrap(id));
    return id;
  }

  /** Live nodes that have not received {@code id}. */
  int missing(byte[] id) {
    int m = 0;
    for (int i = 0; i < nodes.size(); i++) {
      if (!down.contains(i) && !received.get(i).contains(ByteBuffer.wrap(id))) m++;
    }
    return m;
  }

  /** Connectivity of the active views, for failure messages. */
  String stats() {
    java.util.Map<dev.wattswarm.kernel.identity.NodeId, Integer> index = new java.util.HashMap<>();
    for (int i = 0; i < nodes.size(); i++) index.put(transports.get(i).localId(), i);
    int empty = 0;
    int asym = 0;
    for (int i = 0; i < nodes.size(); i++) {
      var av = nodes.get(i).membership().activeView();
      if (av.isEmpty()) empty++;
      for (var p : av) {
        Integer j = index.get(p);
        if (j != null && !nodes.get(j).membership().activeView().contains(transports.get(i).localId())) asym++;
      }
    }
    Set<Integer> seen = new HashSet<>();
    java.util.ArrayDeque<Integer> q = new java.util.ArrayDeque<>();
    int start = 0;
    while (down.contains(start)) start++;
    q.add(start);
    seen.add(start);
    while (!q.isEmpty()) {
      int i = q.poll();
      for (var p : nodes.get(i).membership().activeView()) {
        Integer j = index.get(p);
        if (j != null && !down.contains(j) && seen.add(j)) q.add(j);
      }
    }
    return "empty views " + empty + ", asymmetric edges " + asym + ", reachable from " + start + ": " + seen.size()
        + " of " + (nodes.size() - down.size());
  }

  boolean allHave(List<byte[]> ids, long maxMs) {
    return net.scheduler().runUntil(() -> ids.stream().allMatch(id -> missing(id) == 0), maxMs);
  }
}
