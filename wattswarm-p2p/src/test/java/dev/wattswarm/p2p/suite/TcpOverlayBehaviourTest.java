package dev.wattswarm.p2p.suite;

import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.p2p.Overlay;
import dev.wattswarm.p2p.gossip.BroadcastConfig;
import dev.wattswarm.p2p.membership.MembershipConfig;
import dev.wattswarm.p2p.tcp.TcpConfig;
import dev.wattswarm.p2p.tcp.TcpTransport;
import dev.wattswarm.p2p.transport.ThreadScheduler;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** The behaviour suite over TLS on loopback: each node on its own 127.0.0.x address, port 0. */
class TcpOverlayBehaviourTest extends OverlayBehaviourSuite {
  /** Explicit liveness: a silent peer is down after 2 s, generous enough for a loaded machine. */
  static final TcpConfig CONFIG = TcpConfig.local().withLiveness(250, 2_000);

  @Override
  OverlayEnv env() {
    List<TcpTransport> ts = new ArrayList<>();
    List<ThreadScheduler> ss = new ArrayList<>();
    List<Overlay> os = new ArrayList<>();
    return new OverlayEnv() {
      @Override
      public List<Overlay> start(int n) {
        for (int i = 0; i < n; i++) {
          TcpTransport t = TcpTransport.start(KeyPair.generate(new SecureRandom()), "net:test",
              new InetSocketAddress("127.0.0." + (20 + i), 0), CONFIG);
          ThreadScheduler s = new ThreadScheduler("ws-p2p-" + i, Clock.systemUTC());
          ts.add(t);
          ss.add(s);
          os.add(new Overlay(t, s, MembershipConfig.local(), BroadcastConfig.local(), new Random(i)));
        }
        return os;
      }

      @Override
      public boolean await(BooleanSupplier done, long maxMs) {
        try {
          Awaitility.await().atMost(Duration.ofMillis(maxMs)).pollInterval(Duration.ofMillis(20)).until(done::getAsBoolean);
          return true;
        } catch (ConditionTimeoutException e) {
          return false;
        }
      }

      @Override
      public void crash(int i) {
        ss.get(i).close();
        ts.get(i).close();
      }

      @Override
      public void sendRaw(int from, int to, byte[] frame) {
        ts.get(from).connect(ts.get(to).localAddress(), null).thenAccept(l -> l.send(frame));
      }

      @Override
      public void close() {
        for (Overlay o : os) o.close();
        for (ThreadScheduler s : ss) s.close();
      }
    };
  }

  @org.junit.jupiter.api.Test
  void aReplyAfterItsTimeoutIsDroppedAndCounted() throws Exception {
    startAndJoin();
    for (Overlay o : nodes) {
      o.onRequest((peer, body) -> java.util.concurrent.CompletableFuture.supplyAsync(() -> "late".getBytes(),
          java.util.concurrent.CompletableFuture.delayedExecutor(600, java.util.concurrent.TimeUnit.MILLISECONDS)));
    }
    var neighbour = nodes.get(2).neighbours().keySet().iterator().next();
    var f = nodes.get(2).request(neighbour, "ping".getBytes(), 200);
    org.assertj.core.api.Assertions.assertThat(env.await(f::isDone, 5_000)).isTrue();
    org.assertj.core.api.Assertions.assertThat(f).isCompletedExceptionally();
    org.assertj.core.api.Assertions.assertThat(env.await(() -> nodes.get(2).lateResponses() == 1, 5_000)).isTrue();
  }
}
