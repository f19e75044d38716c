package dev.wattswarm.node.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventTypes;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.Projections;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.p2p.Overlay;
import dev.wattswarm.p2p.gossip.BroadcastConfig;
import dev.wattswarm.p2p.membership.MembershipConfig;
import dev.wattswarm.p2p.sim.SimNetwork;
import dev.wattswarm.p2p.sim.SimTransport;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gossip and backfill between real nodes (logs, stores, EventSync) over the simulated network:
 * the same behaviour the multi-process tests show over TLS, here with the simulator's crash and
 * revive. The simulator is stepped from the test thread while it waits.
 */
@org.junit.jupiter.api.Timeout(120)
class SimBackfillTest {
  @TempDir Path tmp;
  final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) closeables.get(i).close();
  }

  record Peer(Node node, SimTransport transport, Overlay overlay) {}

  Peer peer(SimNetwork net, String name, long seed) {
    Node node = Node.open(NodeConfig.local(tmp.resolve(name)), new StateDir(tmp.resolve(name)), Clock.systemUTC(),
        new SecureRandom(), Projections.all(), key -> "net:sim");
    closeables.add(node);
    SimTransport t = net.newNode(node.key(), "net:sim");
    Overlay o = new Overlay(t, net.scheduler(), MembershipConfig.local(), BroadcastConfig.local(), new Random(seed));
    EventSync sync = new EventSync(node.log(), o, new RequestRouter(o), Set.of(Scope.GLOBAL), SyncConfig.local());
    closeables.add(sync);
    return new Peer(node, t, o);
  }

  void publish(Peer p, int n, String tag) {
    for (int i = 0; i < n; i++) {
      p.node().log().publish(Scope.GLOBAL, EventKind.EVENTS, EventTypes.NODE_STARTED, "", CanonicalJson.object().put(tag, i));
    }
  }

  long laneSeq(Peer at, Peer author) {
    return at.node().store().laneHead(author.node().nodeId(), Scope.GLOBAL).seq();
  }

  /**
   * Steps virtual time from this thread while waiting: the nodes' logs work on their own threads,
   * so the simulator advances only as fast as the test polls, and nothing sleeps.
   */
  static void until(SimNetwork net, java.util.function.BooleanSupplier done) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> {
      net.scheduler().runFor(5);
      return done.getAsBoolean();
    });
  }

  @Test
  void aNodeThatWasDownCatchesUpByBackfill() {
    long seed = 77;
    System.out.println("SimBackfillTest seed=" + seed);
    SimNetwork net = new SimNetwork(seed);
    Peer a = peer(net, "a", 1);
    Peer b = peer(net, "b", 2);
    b.overlay().join(a.transport().localAddress());
    until(net, () -> !b.overlay().neighbours().isEmpty());

    publish(a, 20, "live");
    until(net, () -> laneSeq(b, a) == 20);

    net.crash(b.transport());
    publish(a, 30, "while-b-was-down");
    assertThat(laneSeq(b, a)).isEqualTo(20);

    net.revive(b.transport());
    net.scheduler().execute(() -> b.overlay().membership().rejoin());
    until(net, () -> laneSeq(b, a) == 50); // b catches up on the 30 events it missed
    assertThat(b.node().store().verifyLog(new dev.wattswarm.kernel.event.EventVerifier("net:sim",
        dev.wattswarm.kernel.event.EventLimits.DEFAULT, EventTypes.kernel(), 16)).problems()).isEmpty();
  }
}
