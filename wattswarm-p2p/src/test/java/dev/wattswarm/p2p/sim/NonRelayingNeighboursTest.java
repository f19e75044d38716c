package dev.wattswarm.p2p.sim;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;

/**
 * A global topic's tree is made of membership neighbours, and a neighbour that does not take part
 * in the topic (a Byzantine node, or one that never subscribed) leaves it. Two subscribers among
 * members that all stay out, and that are not each other's neighbours, must still hear each other.
 */
class NonRelayingNeighboursTest {
  static final String TOPIC = "local:sim.global.events";

  @Test
  void subscribersWhoseNeighboursAllStayOutOfAGlobalTopicStillHearEachOther() {
    SimNetwork net = new SimNetwork(5);
    Random keys = new Random(5);
    List<Overlay> nodes = new ArrayList<>();
    List<SimTransport> transports = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      byte[] secret = new byte[32];
      keys.nextBytes(secret);
      SimTransport t = net.newNode(new KeyPair(secret), "local:sim");
      nodes.add(new Overlay(t, net.scheduler(), MembershipConfig.local(), BroadcastConfig.local(), new Random(i)));
      transports.add(t);
    }
    for (int i = 1; i < nodes.size(); i++) nodes.get(i).join(transports.get(keys.nextInt(i)).localAddress());
    net.scheduler().runFor(10_000);
    Overlay a = nodes.get(12);
    Overlay b = nodes.get(13);
    assertThat(a.membership().activeView()).as("the scenario: the subscribers are not neighbours")
        .doesNotContain(b.localId());
    Set<ByteBuffer> got = new HashSet<>();
    a.subscribe(TOPIC, (topic, id, payload, from) -> {});
    b.subscribe(TOPIC, (topic, id, payload, from) -> got.add(ByteBuffer.wrap(id)));
    net.scheduler().runFor(10_000);

    byte[] payload = "from a to b".getBytes();
    byte[] id = Hashes.sha256(payload);
    a.publish(TOPIC, id, payload);
    // a finds b by trying random members, most of which decline here: give it a few rounds
    assertThat(net.scheduler().runUntil(() -> got.contains(ByteBuffer.wrap(id)), 30_000))
        .as("b got a's broadcast (a's tree has %d peers)", a.topic(TOPIC).peerCount()).isTrue();
  }
}
