package dev.wattswarm.node.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.node.network.NodeRecord;
import dev.wattswarm.node.network.RecordLimits;
import dev.wattswarm.p2p.Overlay;
import dev.wattswarm.p2p.gossip.BroadcastConfig;
import dev.wattswarm.p2p.limits.PeerLimits;
import dev.wattswarm.p2p.membership.MembershipConfig;
import dev.wattswarm.p2p.reach.ReachConfig;
import dev.wattswarm.p2p.sim.SimNetwork;
import dev.wattswarm.p2p.sim.SimTransport;
import dev.wattswarm.testkit.StepClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One member signs records for hundreds of made-up node ids and gossips them: its neighbours take
 * only its budget of new nodes, everyone's real record stays, and renewals are still free. The
 * records' clock is moved by hand (one millisecond, once), so no budget refills during the test.
 */
@Timeout(60)
class NodeRecordsFloodTest {
  static final String NET = "net:flood";
  static final int BUDGET = 20;

  @Test
  void aMemberFloodingFreshKeysGetsOnlyItsBudgetIntoItsNeighboursBooks() {
    long seed = Long.getLong("records.seed", System.nanoTime());
    System.out.println("NodeRecordsFloodTest seed " + seed + " (rerun with -Drecords.seed=" + seed + ")");
    Random random = new Random(seed);
    SimNetwork net = new SimNetwork(seed);
    StepClock still = new StepClock(1_800_000_000_000L);
    RecordLimits limits = RecordLimits.defaults().withPerPeer(BUDGET, 60_000);
    List<Overlay> overlays = new ArrayList<>();
    List<NodeRecords> books = new ArrayList<>();
    List<SimTransport> transports = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      byte[] secret = new byte[32];
      random.nextBytes(secret);
      KeyPair key = new KeyPair(secret);
      SimTransport t = net.newNode(key, NET);
      Overlay o = new Overlay(t, net.scheduler(), MembershipConfig.local(), BroadcastConfig.local(), PeerLimits.defaults(),
          ReachConfig.defaults(), new Random(random.nextLong()));
      books.add(new NodeRecords(key, NET, still, o, new RequestRouter(o), List.of(t.localAddress()), 600_000, limits));
      overlays.add(o);
      transports.add(t);
    }
    for (int i = 1; i < 4; i++) overlays.get(i).join(transports.get(0).localAddress());
    net.scheduler().runUntil(() -> books.stream().allMatch(b -> b.book().size() == 4), 30_000);
    assertThat(books).allSatisfy(b -> assertThat(b.book().size()).isEqualTo(4));

    // node 0 floods: 300 records, each of a fresh key, in batches
    Overlay flooder = overlays.get(0);
    for (int k = 0; k < 300; k++) {
      NodeRecord fake = NodeRecord.sign(KeyPair.generate(new java.security.SecureRandom()), NET, List.of("10.9.9.9:4001"), null,
          List.of(), Optional.empty(), still.millis(), 600_000);
      byte[] bytes = fake.encode();
      flooder.publish(NET + ".global.records", Hashes.sha256(bytes), bytes);
      if (k % 20 == 19) net.scheduler().runFor(500);
    }
    net.scheduler().runFor(10_000);

    for (int i = 1; i < 4; i++) {
      NodeRecords b = books.get(i);
      // each honest node takes at most one budget from each peer that hands it new nodes
      int peers = overlays.get(i).neighbours().size();
      assertThat(b.book().size()).as("node %d's book", i).isLessThanOrEqualTo(4 + BUDGET * peers).isLessThan(300);
      assertThat(b.counters().getOrDefault("ignored.gossip.source_quota", 0L)).as("node %d refused over-budget records", i)
          .isPositive();
      for (SimTransport t : transports) assertThat(b.book().get(t.localId(), still.millis())).as("real record kept").isPresent();
    }
    // the honest nodes' renewals still get everywhere: budgets only pay for new node ids
    still.advance(1); // a later issue time; a millisecond refills no budget
    books.get(2).refresh();
    NodeRecord renewed = books.get(2).self();
    net.scheduler().runFor(5_000);
    for (int i = 1; i < 4; i++) {
      assertThat(books.get(i).book().get(transports.get(2).localId(), still.millis())).contains(renewed);
    }
  }

  @Test
  void aPeerGetsOneFullRecordSnapshotPerInterval() {
    SimNetwork net = new SimNetwork(7);
    StepClock clock = new StepClock(1_800_000_000_000L);
    List<Overlay> overlays = new ArrayList<>();
    List<SimTransport> transports = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      KeyPair key = new KeyPair(new byte[] {(byte) (i + 1), 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
          23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
      SimTransport t = net.newNode(key, NET);
      Overlay o = new Overlay(t, net.scheduler(), MembershipConfig.local(), BroadcastConfig.local(), PeerLimits.defaults(),
          ReachConfig.defaults(), new Random(i));
      new NodeRecords(key, NET, clock, o, new RequestRouter(o), List.of(t.localAddress()), 600_000, RecordLimits.defaults());
      overlays.add(o);
      transports.add(t);
    }
    overlays.get(1).join(transports.get(0).localAddress());
    net.scheduler().runFor(5_000);
    // node 1 already asked once when node 0 became its neighbour; asking again at once gets nothing
    var again = overlays.get(1).request(transports.get(0).localId(), new byte[] {(byte) NodeRecords.SERVICE}, 5_000);
    net.scheduler().runUntil(again::isDone, 10_000);
    assertThat(again.isCompletedExceptionally() || again.join() == null).as("no second full snapshot within the interval").isTrue();
    clock.advance(20_000);
    var later = overlays.get(1).request(transports.get(0).localId(), new byte[] {(byte) NodeRecords.SERVICE}, 5_000);
    net.scheduler().runUntil(later::isDone, 10_000);
    assertThat(later).isCompletedWithValueMatching(b -> b != null && b.length > 4);
  }
}
