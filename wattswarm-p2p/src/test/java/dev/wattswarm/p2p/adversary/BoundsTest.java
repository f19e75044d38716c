package dev.wattswarm.p2p.adversary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.p2p.gossip.BroadcastConfig;
import dev.wattswarm.p2p.limits.PeerLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What peers can make a node hold is bounded, and what goes beyond is dropped and counted. */
@Timeout(60)
class BoundsTest {
  static final BroadcastConfig TIGHT = new BroadcastConfig(20, 60, 30, 20_000, 1 << 20, 1_000, 256, 256, 300, 500, 8, 100);

  @Test
  void announcedIdsAreBoundedPerPeerAndInTotalAndAnOversizedIhaveIsAStrike() {
    SimCluster c = new SimCluster(51, 2, TIGHT, PeerLimits.defaults());
    c.joinAll();
    Byzantine r1 = c.byzantine();
    Byzantine r2 = c.byzantine();
    r1.ihaveFlood(c.info(1), SimCluster.TOPIC, 256, 5);
    r2.ihaveFlood(c.info(1), SimCluster.TOPIC, 256, 5);
    c.net.scheduler().runFor(40);
    var sizes = c.nodes.get(1).boundedSizes();
    assertThat(sizes.get("ihave_missing_max_peer")).isLessThanOrEqualTo(300);
    assertThat(sizes.get("ihave_missing_max_topic")).isLessThanOrEqualTo(500);
    c.net.scheduler().runFor(2_000);
    assertThat(c.counter(1, "ihave_dropped")).isEqualTo(2 * 5 * 256 - 500);
    assertThat(c.counter(1, "strikes.oversized_ihave")).isEqualTo(2);
    assertThat(c.nodes.get(1).boundedSizes().get("ihave_missing_max_topic")).as("drained by the graft timers").isZero();
  }

  @Test
  void aLinksInboundQueueIsBounded() {
    PeerLimits fifty = new PeerLimits(20_000, 40_000, 10_000, 20_000, 5, 60_000, 600_000, 4_096, 1_024, 256, 50, 32L << 20);
    SimCluster c = new SimCluster(52, 2, BroadcastConfig.local(), fifty);
    c.joinAll();
    c.net.latency(5, 0); // every frame of the flood lands in the same instant, before any is handled
    Byzantine r = c.byzantine();
    r.frameFlood(c.info(0), SimCluster.TOPIC, 500);
    c.net.scheduler().runFor(1_000);
    assertThat(c.counter(0, "dropped_frames.queue")).isEqualTo(450);
  }

  @Test
  void theTopicDirectoryIsBoundedInTopicsAndNodes() {
    SimCluster c = new SimCluster(53, 3, TIGHT, PeerLimits.defaults());
    c.joinAll();
    Byzantine r = c.byzantine();
    r.directoryFlood(c.info(0), 200, 8);
    r.directoryFlood(c.info(0), 1, 9); // over the per-node cap: refused outright
    c.net.scheduler().runFor(5_000);
    for (int i = 0; i < 3; i++) {
      var sizes = c.nodes.get(i).boundedSizes();
      assertThat(sizes.get("directory_topics")).isLessThanOrEqualTo(100);
      assertThat(sizes.get("directory_peers")).isLessThanOrEqualTo(100);
    }
    assertThat(c.counter(0, "directory_dropped")).isPositive();
    assertThat(c.counter(0, "rejected_gossip.malformed_announcement")).isEqualTo(1);
  }
}
