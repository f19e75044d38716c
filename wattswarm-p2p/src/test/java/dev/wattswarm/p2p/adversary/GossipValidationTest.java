package dev.wattswarm.p2p.adversary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.p2p.gossip.BroadcastConfig;
import dev.wattswarm.p2p.limits.PeerLimits;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Gossip is judged before it is kept or forwarded; a forgery neither spreads nor poisons its id. */
@Timeout(60)
class GossipValidationTest {
  @Test
  void aForgedPayloadUnderAnHonestIdIsStoppedAtTheFirstHopAndTheRealOneStillArrives() {
    SimCluster c = new SimCluster(31, 4, BroadcastConfig.local(), PeerLimits.defaults());
    c.joinAll();
    Byzantine r = c.byzantine();
    byte[] honest = Hashes.sha256("the real message".getBytes());
    r.forgedGossip(c.info(1), SimCluster.TOPIC, honest);
    c.net.scheduler().runFor(2_000);

    assertThat(c.forgedDeliveries).isEmpty();
    assertThat(c.counter(1, "rejected_gossip.id_mismatch")).isEqualTo(1);
    assertThat(c.counter(1, "strikes.invalid_gossip")).isEqualTo(1);
    for (int i : new int[] {0, 2, 3}) {
      assertThat(c.counter(i, "strikes")).as("node %d struck nobody: the forgery never reached it", i).isZero();
    }
    assertThat(c.nodes.get(1).topic(SimCluster.TOPIC).seen(honest)).as("the id is not poisoned").isFalse();

    byte[] id = c.publish(0, "the real message");
    assertThat(id).isEqualTo(honest);
    assertThat(c.net.scheduler().runUntil(() -> c.allHave(List.of(id)), 10_000)).isTrue();
    assertThat(c.forgedDeliveries).isEmpty();
    assertThat(c.delivered.get(1)).contains(ByteBuffer.wrap(honest));
  }

  @Test
  void anOversizedPayloadIsAStrikeAgainstItsSender() {
    BroadcastConfig small = BroadcastConfig.local().withMaxPayloadBytes(1_024);
    SimCluster c = new SimCluster(32, 2, small, PeerLimits.defaults());
    c.joinAll();
    Byzantine r = c.byzantine();
    r.oversizedGossip(c.info(1), SimCluster.TOPIC, 1_024);
    c.net.scheduler().runFor(1_000);
    assertThat(c.counter(1, "strikes.oversized_gossip")).isEqualTo(1);
    assertThat(c.counter(0, "strikes")).isZero();
  }
}
