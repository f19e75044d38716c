package dev.wattswarm.p2p.adversary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.p2p.gossip.BroadcastConfig;
import dev.wattswarm.p2p.limits.PeerLimits;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Membership takes a peer's identity from its link, never from what a frame says. */
@Timeout(60)
class IdentityClaimTest {
  @Test
  void aPeerClaimingANeighboursIdCannotTakeItsPlaceAndIsStruck() {
    SimCluster c = new SimCluster(21, 2, BroadcastConfig.local(), PeerLimits.defaults());
    c.joinAll();
    assertThat(c.nodes.get(0).neighbours()).containsKey(c.id(1));
    Byzantine r = c.byzantine();
    r.claimIdentity(c.info(0), c.id(1));
    c.net.scheduler().runFor(2_000);

    var link = c.nodes.get(0).membership().link(c.id(1));
    assertThat(link).as("node 1 is still a neighbour of node 0").isNotNull();
    assertThat(link.peer()).as("over node 1's own link").isEqualTo(c.id(1));
    assertThat(link.isOpen()).isTrue();
    assertThat(c.nodes.get(0).neighbours().get(c.id(1)).address()).isEqualTo(c.transports.get(1).localAddress());
    assertThat(c.nodes.get(0).neighbours()).doesNotContainKey(r.id());
    assertThat(c.counter(0, "identity_claims")).isPositive();
    assertThat(c.counter(0, "strikes.identity_claims")).isPositive();
  }

  @Test
  void hearsayAboutALiveNeighbourNeverReplacesItsLink() {
    SimCluster c = new SimCluster(22, 3, BroadcastConfig.local(), PeerLimits.defaults());
    c.joinAll();
    var before = c.nodes.get(0).membership().link(c.id(1));
    assertThat(before).isNotNull();
    Byzantine r = c.byzantine();
    r.overlay().join(c.transports.get(0).localAddress());
    c.net.scheduler().runFor(2_000);
    // a forwarded join naming node 1 at the rogue's address, ttl 0: node 0 must not dial it away
    var fake = new dev.wattswarm.p2p.wire.PeerInfo(c.id(1), r.address());
    for (int i = 0; i < 3; i++) {
      r.send(c.info(0), new dev.wattswarm.p2p.wire.WireWriter(dev.wattswarm.p2p.wire.FrameType.FORWARD_JOIN).peer(fake).u8(0).done());
      r.send(c.info(0), new dev.wattswarm.p2p.wire.WireWriter(dev.wattswarm.p2p.wire.FrameType.SHUFFLE_REPLY).peers(List.of(fake)).done());
    }
    c.net.scheduler().runFor(5_000);
    assertThat(c.nodes.get(0).membership().link(c.id(1))).as("node 1's live link is untouched").isSameAs(before);
    assertThat(before.isOpen()).isTrue();
  }
}
