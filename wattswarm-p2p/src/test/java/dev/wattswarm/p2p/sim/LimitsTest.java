package dev.wattswarm.p2p.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.p2p.Overlay;
import dev.wattswarm.p2p.gossip.BroadcastConfig;
import dev.wattswarm.p2p.limits.PeerLimits;
import dev.wattswarm.p2p.membership.MembershipConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The high-frequency limiter: a flood on one topic is cut at the topic's rate, and counted. */
@org.junit.jupiter.api.Timeout(60)
class LimitsTest {
  @Test
  void aFloodedTopicIsCutAtItsRate() {
    long seed = 9;
    System.out.println("LimitsTest seed=" + seed);
    SimNetwork net = new SimNetwork(seed);
    PeerLimits tight = new PeerLimits(10_000, 10_000, 100, 100, 5, 60_000);
    List<Overlay> nodes = new ArrayList<>();
    List<AtomicInteger> counts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      SimTransport t = net.newNode(new KeyPair(Hashes.sha256(new byte[] {(byte) i})), "net:x");
      Overlay o = new Overlay(t, net.scheduler(), MembershipConfig.local(), BroadcastConfig.local(), tight, new Random(i));
      AtomicInteger c = new AtomicInteger();
      o.subscribe("net:x.group:busy.events", (topic, id, p, from) -> c.incrementAndGet());
      nodes.add(o);
      counts.add(c);
    }
    nodes.get(1).join(nodes.get(0).transport().localAddress());
    nodes.get(2).join(nodes.get(1).transport().localAddress());
    net.scheduler().runFor(5_000);
    for (int m = 0; m < 1_000; m++) {
      byte[] payload = ("burst " + m).getBytes();
      nodes.get(0).publish("net:x.group:busy.events", Hashes.sha256(payload), payload);
    }
    net.scheduler().runFor(500);
    assertThat(counts.get(1).get()).as("node 1 took at most the burst plus what the rate refilled").isLessThan(400);
    assertThat(nodes.get(1).rateLimited()).isPositive();
  }
}
