package dev.wattswarm.p2p.adversary;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.Overlay;
import dev.wattswarm.p2p.gossip.BroadcastConfig;
import dev.wattswarm.p2p.gossip.Validator;
import dev.wattswarm.p2p.gossip.Verdict;
import dev.wattswarm.p2p.limits.PeerLimits;
import dev.wattswarm.p2p.membership.MembershipConfig;
import dev.wattswarm.p2p.sim.SimNetwork;
import dev.wattswarm.p2p.sim.SimTransport;
import dev.wattswarm.p2p.wire.PeerInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Honest overlay nodes in one simulated network, subscribed to {@link #TOPIC} with a validator
 * that binds a message id to its content (id = SHA-256 of the payload), plus what each delivered.
 */
final class SimCluster {
  static final String NET = "net:adv";
  static final String TOPIC = NET + ".global.events";
  static final Validator CONTENT_BOUND = (from, id, payload) ->
      Arrays.equals(id, Hashes.sha256(payload)) ? Verdict.ACCEPT : Verdict.reject("id_mismatch");

  final SimNetwork net;
  final Random random;
  final List<Overlay> nodes = new ArrayList<>();
  final List<SimTransport> transports = new ArrayList<>();
  final List<Set<ByteBuffer>> delivered = new ArrayList<>();
  /** Payloads delivered that do not hash to their id: must stay empty. */
  final List<String> forgedDeliveries = new ArrayList<>();

  SimCluster(long seed, int honest, BroadcastConfig bcfg, PeerLimits limits) {
    net = new SimNetwork(seed);
    random = new Random(seed);
    for (int i = 0; i < honest; i++) add(bcfg, limits);
  }

  Overlay add(BroadcastConfig bcfg, PeerLimits limits) {
    SimTransport t = net.newNode(key(), NET);
    Overlay o = new Overlay(t, net.scheduler(), MembershipConfig.local(), bcfg, limits, new Random(random.nextLong()));
    Set<ByteBuffer> got = new HashSet<>();
    int index = nodes.size();
    o.subscribe(TOPIC, CONTENT_BOUND, (topic, id, payload, from) -> {
      got.add(ByteBuffer.wrap(id));
      if (!Arrays.equals(id, Hashes.sha256(payload))) forgedDeliveries.add("node " + index + " from " + from);
    });
    nodes.add(o);
    transports.add(t);
    delivered.add(got);
    return o;
  }

  KeyPair key() {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    return new KeyPair(secret);
  }

  Byzantine byzantine() {
    return new Byzantine(net, key(), NET, new Random(random.nextLong()));
  }

  PeerInfo info(int i) {
    return new PeerInfo(transports.get(i).localId(), transports.get(i).localAddress());
  }

  NodeId id(int i) {
    return transports.get(i).localId();
  }

  /** Each node joins through a random earlier one. */
  void joinAll() {
    for (int i = 1; i < nodes.size(); i++) nodes.get(i).join(transports.get(random.nextInt(i)).localAddress());
    net.scheduler().runFor(5_000);
  }

  byte[] publish(int from, String text) {
    byte[] payload = text.getBytes();
    byte[] id = Hashes.sha256(payload);
    delivered.get(from).add(ByteBuffer.wrap(id));
    nodes.get(from).publish(TOPIC, id, payload);
    return id;
  }

  boolean allHave(List<byte[]> ids) {
    for (Set<ByteBuffer> got : delivered) for (byte[] id : ids) if (!got.contains(ByteBuffer.wrap(id))) return false;
    return true;
  }

  long counter(int node, String key) {
    return nodes.get(node).defenseCounters().getOrDefault(key, 0L);
  }

  long total(String key) {
    long sum = 0;
    for (int i = 0; i < nodes.size(); i++) sum += counter(i, key);
    return sum;
  }
}
