package dev.wattswarm.p2p.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Membership and broadcast at scale in virtual time. Seeds are fixed so a failure reproduces; each
 * test prints its seed. Every assertion is about delivery: a message that fails to reach a live
 * node fails the test.
 */
@org.junit.jupiter.api.Timeout(600)
class SimOverlayTest {
  static SimSwarm swarm(long seed, int n) {
    System.out.println("SimOverlayTest seed=" + seed + " nodes=" + n);
    SimSwarm s = new SimSwarm(seed, n);
    s.joinAll();
    System.out.println("  after join: " + s.stats());
    return s;
  }

  @Test
  void aThousandNodesEachGetEveryMessageExactlyOnce() {
    SimSwarm s = swarm(1, 1000);
    for (int i = 0; i < s.nodes.size(); i++) {
      int active = s.nodes.get(i).membership().activeView().size();
      assertThat(active).as("node %d active view", i).isBetween(1, 5);
    }
    List<byte[]> ids = new ArrayList<>();
    for (int m = 0; m < 10; m++) ids.add(s.publish((m * 97) % 1000, "message " + m));
    assertThat(s.allHave(ids, 30_000)).as("all 1000 nodes got all 10 messages").isTrue();
    assertThat(s.duplicatesDelivered).isZero();
  }

  @Test
  void fivePercentLossIsRepairedByTheLazyLinks() {
    SimSwarm s = swarm(2, 500);
    s.net.loss(0.05);
    List<byte[]> ids = new ArrayList<>();
    for (int m = 0; m < 20; m++) ids.add(s.publish((m * 37) % 500, "lossy " + m));
    assertThat(s.allHave(ids, 60_000)).as("every node got every message despite 5%% loss").isTrue();
  }

  @Test
  void aPartitionHealsAndTheHalvesConverge() {
    SimSwarm s = swarm(3, 400);
    s.net.partition(addr -> Integer.parseInt(addr.substring(4)) <= 200 ? 0 : 1);
    s.net.scheduler().runFor(5_000);
    byte[] left = s.publish(10, "left side, during the partition");
    byte[] right = s.publish(300, "right side, during the partition");
    s.net.scheduler().runFor(10_000);
    assertThat(s.missing(left)).as("the right half cannot have heard the left").isEqualTo(200);
    s.net.heal();
    byte[] after = s.publish(5, "after the heal");
    assertThat(s.allHave(List.of(left, right, after), 120_000))
        .as("after healing, both halves have everything (missing left=%d right=%d after=%d)",
            s.missing(left), s.missing(right), s.missing(after)).isTrue();
  }

  @Test
  void churnOfTenPercentConverges() {
    SimSwarm s = swarm(4, 400);
    java.util.Random r = new java.util.Random(4);
    List<Integer> leaving = new ArrayList<>();
    while (leaving.size() < 40) {
      int i = 1 + r.nextInt(399);
      if (!leaving.contains(i)) leaving.add(i);
    }
    for (int i : leaving) {
      s.net.crash(s.transports.get(i));
      s.down.add(i);
    }
    s.net.scheduler().runFor(5_000);
    byte[] during = s.publish(0, "while 10% are away");
    assertThat(s.allHave(List.of(during), 30_000)).as("live nodes get it while 10%% are down").isTrue();
    for (int i : leaving) {
      s.net.revive(s.transports.get(i));
      s.nodes.get(i).membership().rejoin();
      s.down.remove(i);
    }
    byte[] after = s.publish(0, "after they came back");
    assertThat(s.allHave(List.of(during, after), 120_000))
        .as("returning nodes get what they missed (recent) and what follows: missing during=%d after=%d",
            s.missing(during), s.missing(after)).isTrue();
  }

  @Test
  void aScopedTopicReachesItsFewSubscribersAndNoOneElse() {
    SimSwarm s = swarm(5, 300);
    String region = "local:sim.region:x.events";
    java.util.Random r = new java.util.Random(5);
    java.util.Set<Integer> subscribers = new java.util.TreeSet<>();
    while (subscribers.size() < 8) subscribers.add(r.nextInt(300));
    java.util.Map<Integer, java.util.Set<String>> got = new java.util.HashMap<>();
    for (int i : subscribers) {
      java.util.Set<String> mine = new java.util.HashSet<>();
      got.put(i, mine);
      s.nodes.get(i).subscribe(region, (t, id, p, from) -> mine.add(new String(p)));
    }
    s.net.scheduler().runFor(15_000); // announcements spread, thin trees dial other subscribers
    int from = subscribers.iterator().next();
    byte[] payload = "only for region x".getBytes();
    s.nodes.get(from).publish(region, dev.wattswarm.kernel.crypto.Hashes.sha256(payload), payload);
    got.get(from).add("only for region x");
    boolean all = s.net.scheduler().runUntil(() -> got.values().stream().allMatch(g -> g.contains("only for region x")), 30_000);
    assertThat(all).as("every subscriber of the region got it; subscribers=%s", subscribers).isTrue();
    for (int i = 0; i < 300; i++) {
      if (!subscribers.contains(i)) assertThat(s.nodes.get(i).topic(region)).as("node %d never joined the region", i).isNull();
    }
  }
}
