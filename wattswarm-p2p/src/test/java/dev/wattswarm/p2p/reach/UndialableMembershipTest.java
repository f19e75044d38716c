package dev.wattswarm.p2p.reach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.wire.FrameType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nodes nobody can dial hold every link they have because they asked for it. They must still end
 * up with enough neighbours that one silent liar cannot cut them off, and must not dial back a
 * neighbour they caught lying.
 */
@Timeout(120)
class UndialableMembershipTest {
  private static long seed() {
    return ReachSwarm.seed(UndialableMembershipTest.class);
  }

  @Test
  void everyUndialableNodeHoldsAtLeastHalfAnActiveView() {
    long seed = seed();
    ReachSwarm s = new ReachSwarm(seed, 80, 16);
    s.joinAll();
    s.net.scheduler().runFor(20_000);
    for (int i : s.firewalled) {
      assertThat(s.nodes.get(i).neighbours()).as("neighbours of undialable node %d", i).hasSizeGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void aNeighbourCaughtLyingIsReplacedNotDialledBack() {
    long seed = seed();
    ReachSwarm s = new ReachSwarm(seed, 30, 6);
    s.joinAll();
    int victim = s.firewalled.iterator().next();
    List<NodeId> around = new ArrayList<>(s.nodes.get(victim).neighbours().keySet());
    assertThat(around).isNotEmpty();
    NodeId liarId = around.get(0);
    int liar = 0;
    while (!s.id(liar).equals(liarId)) liar++;
    String liarAddress = s.transports.get(liar).localAddress();
    String victimAddress = s.transports.get(victim).localAddress();
    // the liar tampers with every relayed request it hands the victim, and is the only one that
    // hands it any (the others' copies are lost), so its copy is the one the victim checks
    s.net.dropWhen((from, to, frame) -> to.equals(victimAddress) && !from.equals(liarAddress) && frame[0] == FrameType.RELAY_REQUEST);
    s.net.rewriteWhen((from, to, frame) -> {
      if (!from.equals(liarAddress) || !to.equals(victimAddress) || frame[0] != FrameType.RELAY_REQUEST) return frame;
      byte[] t = frame.clone();
      t[t.length - 65] ^= 1;
      return t;
    });
    int origin = 0;
    while (origin == victim || origin == liar || s.firewalled.contains(origin) || around.contains(s.id(origin))) origin++;
    CompletableFuture<byte[]> answer = s.ask(origin, victim, "hello");
    s.net.scheduler().runUntil(answer::isDone, 30_000);
    assertThat(s.nodes.get(victim).defenseCounters().get("strikes.relay_forged")).as("the tampering was caught").isPositive();
    s.net.scheduler().runFor(20_000);
    assertThat(s.nodes.get(victim).neighbours()).as("the liar was not taken back").doesNotContainKey(liarId);
    assertThat(s.nodes.get(victim).membership().passiveView()).doesNotContain(liarId);
    assertThat(s.nodes.get(victim).neighbours()).as("the victim found other neighbours").hasSizeGreaterThanOrEqualTo(3);
  }
}
