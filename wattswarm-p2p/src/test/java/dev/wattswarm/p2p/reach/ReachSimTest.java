package dev.wattswarm.p2p.reach;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Any node reaches any other in a large simulated swarm: direct dials, relays through the overlay, churn. */
@Timeout(240)
class ReachSimTest {
  private static long seed() {
    return ReachSwarm.seed(ReachSimTest.class);
  }

  private record Asked(int from, int to, String q, CompletableFuture<byte[]> answer) {}

  private static List<Asked> askPairs(ReachSwarm s, Random r, int count, Set<Integer> avoid) {
    List<Asked> out = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      int from = s.live(r, avoid);
      int to;
      do {
        to = s.live(r, avoid);
      } while (to == from);
      String q = "q" + k + "-" + r.nextInt();
      out.add(new Asked(from, to, q, s.ask(from, to, q)));
    }
    return out;
  }

  private static void assertAllAnswered(ReachSwarm s, List<Asked> asked, String phase) {
    s.net.scheduler().runUntil(() -> asked.stream().allMatch(a -> a.answer().isDone()), 60_000);
    List<String> failed = new ArrayList<>();
    for (Asked a : asked) {
      String got = a.answer().isDone() && !a.answer().isCompletedExceptionally() ? new String(a.answer().join()) : null;
      if (!s.expected(a.from(), a.to(), a.q()).equals(got)) {
        failed.add(a.from() + "->" + a.to() + (s.firewalled.contains(a.to()) ? "(firewalled)" : "") + ": "
            + (got != null ? got : a.answer().isDone() ? a.answer().exceptionNow().getMessage() : "pending"));
      }
    }
    assertThat(failed).as("%s: %d of %d requests failed", phase, failed.size(), asked.size()).isEmpty();
  }

  @Test
  void randomPairsOf220NodesAllGetTheirAnswerThroughChurn() {
    long seed = seed();
    ReachSwarm s = new ReachSwarm(seed, 220, 20);
    s.joinAll();
    Random r = new Random(seed + 1);

    assertAllAnswered(s, askPairs(s, r, 400, Set.of()), "settled swarm");
    assertThat(s.total("relay.asked")).as("firewalled targets were reached by relay").isPositive();
    assertThat(s.total("reach.dials")).as("dialable targets were dialled directly").isPositive();

    // churn: a tenth of the nodes crash; requests go on between the others; then they come back
    List<Integer> crashed = new ArrayList<>();
    while (crashed.size() < 22) {
      int i = 1 + r.nextInt(219);
      if (!crashed.contains(i)) crashed.add(i);
    }
    List<Asked> during = new ArrayList<>();
    for (int i = 0; i < crashed.size(); i++) {
      s.net.crash(s.transports.get(crashed.get(i)));
      s.down.add(crashed.get(i));
      if (i % 5 == 4) {
        s.net.scheduler().runFor(1_500);
        // between nodes that stay up: a request to a node that crashes later may rightly fail
        during.addAll(askPairs(s, r, 40, Set.copyOf(crashed)));
      }
    }
    assertAllAnswered(s, during, "while nodes crash");
    for (int i : crashed) {
      s.net.revive(s.transports.get(i));
      s.nodes.get(i).membership().rejoin();
      s.down.remove(i);
    }
    s.net.scheduler().runFor(10_000);
    assertAllAnswered(s, askPairs(s, r, 300, Set.of()), "after the crashed nodes came back");

    var sizes = s.nodes.get(0).boundedSizes();
    assertThat(sizes.get("direct_links")).isLessThanOrEqualTo(ReachConfig.defaults().maxDirectLinks());
  }

  @Test
  void directLinksAreBoundedExpireWhenIdleAndLeaveMembershipAlone() {
    long seed = seed();
    ReachSwarm s = new ReachSwarm(seed, 40, 0, ReachConfig.defaults().withDirectLinks(4, 30_000));
    s.joinAll();
    var asker = s.nodes.get(0);
    var viewBefore = Set.copyOf(asker.membership().activeView());
    List<Asked> asked = new ArrayList<>();
    for (int to = 1; to < 40 && asked.size() < 12; to++) {
      if (viewBefore.contains(s.id(to))) continue;
      String q = "q" + to;
      asked.add(new Asked(0, to, q, s.ask(0, to, q)));
    }
    assertAllAnswered(s, asked, "twelve non-neighbours");
    assertThat(asker.boundedSizes().get("direct_links")).as("at most 4 direct links kept").isLessThanOrEqualTo(4);
    assertThat(Set.copyOf(asker.membership().activeView())).as("direct links never enter the active view").isEqualTo(viewBefore);
    s.net.scheduler().runFor(60_000);
    assertThat(asker.boundedSizes().get("direct_links")).as("idle direct links are closed").isZero();
    for (Asked a : asked) assertThat(s.nodes.get(a.to()).boundedSizes().get("direct_links")).isZero();
  }
}
