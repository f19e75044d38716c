package dev.wattswarm.p2p.reach;

import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.Overlay;
import dev.wattswarm.p2p.gossip.BroadcastConfig;
import dev.wattswarm.p2p.limits.PeerLimits;
import dev.wattswarm.p2p.membership.MembershipConfig;
import dev.wattswarm.p2p.sim.SimNetwork;
import dev.wattswarm.p2p.sim.SimTransport;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A simulated swarm for reach tests: every node answers a request with its own id and the
 * question, and looks addresses up in {@link #records} (what signed node records would say; a test
 * can make one lie). Nodes in {@link #firewalled} cannot be dialled and join by dialling out.
 */
final class ReachSwarm {
  static final String NET = "net:reach";
  final SimNetwork net;
  final Random random;
  final List<Overlay> nodes = new ArrayList<>();
  final List<SimTransport> transports = new ArrayList<>();
  final Map<NodeId, List<String>> records = new HashMap<>();
  final Set<Integer> firewalled = new HashSet<>();
  final Set<Integer> down = new HashSet<>();
  /** Questions each node was asked. */
  final List<Set<String>> heard = new ArrayList<>();

  ReachSwarm(long seed, int n, int firewalledCount) {
    this(seed, n, firewalledCount, ReachConfig.defaults());
  }

  ReachSwarm(long seed, int n, int firewalledCount, ReachConfig reach) {
    net = new SimNetwork(seed);
    random = new Random(seed);
    for (int i = 0; i < n; i++) {
      byte[] secret = new byte[32];
      random.nextBytes(secret);
      SimTransport t = net.newNode(new KeyPair(secret), NET);
      Overlay o = new Overlay(t, net.scheduler(), MembershipConfig.local(), BroadcastConfig.local(), PeerLimits.defaults(),
          reach, new Random(random.nextLong()));
      String me = t.localId().toString();
      Set<String> mine = new HashSet<>();
      heard.add(mine);
      o.onRequest((peer, body) -> {
        mine.add(new String(body));
        return CompletableFuture.completedFuture((me + "|" + peer + "|" + new String(body)).getBytes());
      });
      o.addressResolver(id -> records.getOrDefault(id, List.of()));
      records.put(t.localId(), List.of(t.localAddress()));
      nodes.add(o);
      transports.add(t);
    }
    while (firewalled.size() < firewalledCount) {
      int i = 1 + random.nextInt(n - 1);
      if (firewalled.add(i)) net.firewall(transports.get(i));
    }
  }

  /** Node i joins through a random earlier node that can be dialled. */
  void joinAll() {
    for (int i = 1; i < nodes.size(); i++) {
      int via;
      do {
        via = random.nextInt(i);
      } while (firewalled.contains(via));
      nodes.get(i).join(transports.get(via).localAddress());
      if (i % 20 == 0) net.scheduler().runFor(200);
    }
    net.scheduler().runFor(10_000);
  }

  /** The run's seed: {@code -Dreach.seed}, else fresh and printed so a failure can be replayed. */
  static long seed(Class<?> test) {
    long seed = Long.getLong("reach.seed", System.nanoTime());
    System.out.println(test.getSimpleName() + " seed " + seed + " (rerun with -Dreach.seed=" + seed + ")");
    return seed;
  }

  NodeId id(int i) {
    return transports.get(i).localId();
  }

  /** What node {@code to} answers to {@code from} asking {@code question}. */
  String expected(int from, int to, String question) {
    return id(to) + "|" + id(from) + "|" + question;
  }

  CompletableFuture<byte[]> ask(int from, int to, String question) {
    return nodes.get(from).request(id(to), question.getBytes(), 30_000);
  }

  long total(String counter) {
    long sum = 0;
    for (Overlay o : nodes) sum += o.defenseCounters().getOrDefault(counter, 0L);
    return sum;
  }

  int live(Random r, Collection<Integer> except) {
    int i;
    do {
      i = r.nextInt(nodes.size());
    } while (down.contains(i) || except.contains(i));
    return i;
  }
}
