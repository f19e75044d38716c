package dev.wattswarm.p2p.reach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.identity.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The answering side learns whether a request came over a link that proves its origin, and the
 * asking side's "direct" bytes travel only over such a link: a relayed request, or the first one
 * to a peer, carries the other form. The agents layer trusts unsigned messages on this alone.
 */
@Timeout(120)
class ProvenRequestSimTest {
  private record Seen(boolean direct, String body, NodeId origin) {}

  @Test
  void directBytesOnlyOverAProvingLinkAndRelayedRequestsAreMarkedSo() {
    long seed = Long.getLong("reach.seed", System.nanoTime());
    System.out.println("ProvenRequestSimTest seed " + seed + " (rerun with -Dreach.seed=" + seed + ")");
    ReachSwarm s = new ReachSwarm(seed, 30, 8);
    Map<String, Seen> seen = new ConcurrentHashMap<>();
    for (int i = 0; i < 30; i++) {
      s.nodes.get(i).onProvenRequest((origin, direct, body) -> {
        String b = new String(body, StandardCharsets.UTF_8);
        seen.put(b, new Seen(direct, b, origin));
        return CompletableFuture.completedFuture(b.getBytes(StandardCharsets.UTF_8));
      });
    }
    s.joinAll();

    // a neighbour: the first request finds the link (any-path form), the next goes direct
    int from = s.live(new java.util.Random(seed), s.firewalled);
    NodeId neighbour = s.nodes.get(from).neighbours().keySet().iterator().next();
    CompletableFuture<byte[]> first = s.nodes.get(from).request(neighbour, "d1".getBytes(), () -> "any1".getBytes(), 10_000);
    s.net.scheduler().runUntil(first::isDone, 20_000);
    assertThat(new String(first.join())).isEqualTo("any1");
    assertThat(seen.get("any1").direct()).isTrue(); // it still came over the neighbour's link
    CompletableFuture<byte[]> second = s.nodes.get(from).request(neighbour, "d2".getBytes(), () -> "any2".getBytes(), 10_000);
    s.net.scheduler().runUntil(second::isDone, 20_000);
    assertThat(new String(second.join())).isEqualTo("d2");
    assertThat(seen.get("d2")).isEqualTo(new Seen(true, "d2", s.id(from)));

    // a firewalled node that is not a neighbour: only the relay reaches it, and the answering side is told so
    int target = -1;
    for (int f : s.firewalled) {
      if (!s.nodes.get(from).neighbours().containsKey(s.id(f)) && !s.nodes.get(f).neighbours().containsKey(s.id(from))) target = f;
    }
    assertThat(target).as("a firewalled node that is no neighbour of node %d", from).isNotNegative();
    for (int k = 0; k < 3; k++) {
      String d = "rd" + k;
      String any = "ra" + k;
      CompletableFuture<byte[]> f = s.nodes.get(from).request(s.id(target), d.getBytes(), () -> any.getBytes(), 20_000);
      s.net.scheduler().runUntil(f::isDone, 40_000);
      assertThat(new String(f.join())).isEqualTo(any);
      assertThat(seen.get(any)).isEqualTo(new Seen(false, any, s.id(from)));
      assertThat(seen).doesNotContainKey(d);
    }
    assertThat(s.total("relay.asked")).isPositive();
  }
}
