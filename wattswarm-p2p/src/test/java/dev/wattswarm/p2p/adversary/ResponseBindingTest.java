package dev.wattswarm.p2p.adversary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.p2p.gossip.BroadcastConfig;
import dev.wattswarm.p2p.limits.PeerLimits;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A response counts only from the peer that was asked; anyone else's is dropped and struck. */
@Timeout(60)
class ResponseBindingTest {
  @Test
  void anotherPeersAnswerIsDroppedCountedAndStruckWhileTheRealAnswerStillArrives() throws Exception {
    SimCluster c = new SimCluster(11, 2, BroadcastConfig.local(), PeerLimits.defaults());
    c.joinAll();
    CompletableFuture<byte[]> held = new CompletableFuture<>();
    c.nodes.get(1).onRequest((peer, body) -> held);
    Byzantine r = c.byzantine();
    r.overlay().join(c.transports.get(0).localAddress());
    c.net.scheduler().runFor(3_000);

    CompletableFuture<byte[]> answer = c.nodes.get(0).request(c.id(1), "question".getBytes(), 20_000);
    c.net.scheduler().runFor(100);
    r.misroutedResponses(c.info(0), 5);
    c.net.scheduler().runFor(1_000);

    assertThat(answer).as("a neighbour that was not asked cannot answer").isNotDone();
    assertThat(c.counter(0, "misrouted_responses")).isEqualTo(1);
    // answers are judged where they arrive: once the first forged one is struck, its link is cut
    // and the rest (ids never asked) are not even read
    assertThat(c.counter(0, "strikes.misrouted_responses")).isEqualTo(1);
    assertThat(c.nodes.get(0).pendingRequests(c.id(1))).isEqualTo(1);

    held.complete("genuine".getBytes());
    assertThat(c.net.scheduler().runUntil(answer::isDone, 5_000)).isTrue();
    assertThat(new String(answer.get())).isEqualTo("genuine");
  }

  @Test
  void requestsWaitingOnOnePeerAreBounded() {
    PeerLimits three = new PeerLimits(20_000, 40_000, 10_000, 20_000, 5, 60_000, 600_000, 4_096, 3, 256, 4_096, 32L << 20);
    SimCluster c = new SimCluster(12, 2, BroadcastConfig.local(), three);
    c.joinAll();
    c.nodes.get(1).onRequest((peer, body) -> new CompletableFuture<>());
    java.util.List<CompletableFuture<byte[]>> asked = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) asked.add(c.nodes.get(0).request(c.id(1), new byte[] {1}, 60_000));
    c.net.scheduler().runFor(100);
    assertThat(asked.subList(0, 3)).allMatch(f -> !f.isDone());
    assertThat(asked.get(3)).isCompletedExceptionally();
    assertThat(c.counter(0, "refused_requests.pending_full")).isEqualTo(1);
  }
}
