package dev.wattswarm.p2p.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A contact that crashes right after nodes joined through it, before any shuffle ran: the nodes
 * it brought in must still find the rest. They cannot ask it again (it is gone) and their own
 * neighbours may all be in the same spot, so what they learned while joining is all they have.
 */
@org.junit.jupiter.api.Timeout(120)
class EarlyCrashTest {
  @Test
  void nodesWhoseContactCrashesBeforeTheFirstShuffleStillFindTheRest() {
    int stranded = 0;
    StringBuilder failures = new StringBuilder();
    for (long seed = 1; seed <= 40; seed++) {
      SimSwarm s = new SimSwarm(seed, 8);
      // a tree of contacts (node i joins through (i-1)/2), leaves first, as on a loaded machine
      // where the later joins happen to complete first: nodes 5 and 6 then know only node 2 and
      // each other, and node 2 is their one bridge to the rest
      for (int i = 7; i >= 1; i--) {
        s.nodes.get(i).join(s.transports.get(i - 1 > 0 ? (i - 1) / 2 : 0).localAddress());
        s.net.scheduler().runFor(50);
      }
      s.net.scheduler().runUntil(() -> s.stats().endsWith("8 of 8"), 900);
      s.net.crash(s.transports.get(2));
      s.down.add(2);
      s.net.scheduler().runFor(20_000);
      byte[] id = s.publish(0, "after the crash");
      if (!s.allHave(List.of(id), 30_000)) {
        stranded++;
        failures.append("seed ").append(seed).append(": ").append(s.stats()).append('\n');
      }
    }
    assertThat(stranded).as("swarms left partitioned by their contact's early crash:%n%s", failures).isZero();
  }
}
