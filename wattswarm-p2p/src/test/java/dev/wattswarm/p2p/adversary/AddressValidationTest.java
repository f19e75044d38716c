package dev.wattswarm.p2p.adversary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.p2p.gossip.BroadcastConfig;
import dev.wattswarm.p2p.limits.PeerLimits;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Addresses from peers are checked when decoded; a bad one never reaches a timer. */
@Timeout(60)
class AddressValidationTest {
  @Test
  void malformedAddressesInFramesAndAnnouncementsAreRefusedAndCounted() {
    SimCluster c = new SimCluster(41, 2, BroadcastConfig.local(), PeerLimits.defaults());
    c.joinAll();
    Byzantine r = c.byzantine();
    r.malformedAddresses(c.info(0));
    r.malformedAnnouncement(c.info(1));
    c.net.scheduler().runFor(5_000);
    assertThat(c.counter(0, "bad_addresses")).isPositive();
    assertThat(c.counter(0, "strikes.bad_addresses")).isPositive();
    assertThat(c.counter(1, "rejected_gossip.bad_address")).isEqualTo(1);
    Set<Object> known = new HashSet<>(c.nodes.get(0).membership().passiveView());
    known.removeAll(Set.of(c.id(1), r.id()));
    assertThat(known).as("no made-up peer entered the passive view").isEmpty();
  }

  @Test
  void aContactThatCannotBeDialledNeitherThrowsNorStopsMembershipRepair() {
    SimCluster c = new SimCluster(42, 2, BroadcastConfig.local(), PeerLimits.defaults());
    // node 0 starts cut off from node 1, with a broken contact listed first
    c.net.partition(addr -> addr.equals(c.transports.get(0).localAddress()) ? 1 : 0);
    c.nodes.get(0).join("not an address");
    c.nodes.get(0).join(c.transports.get(1).localAddress());
    c.net.scheduler().runFor(10_000);
    assertThat(c.nodes.get(0).neighbours()).isEmpty();
    c.net.heal();
    // only the reconnect timer can bring them together now: it must still be running
    assertThat(c.net.scheduler().runUntil(() -> c.nodes.get(0).neighbours().containsKey(c.id(1)), 30_000)).isTrue();
    assertThat(c.counter(0, "bad_addresses")).isPositive();
  }
}
