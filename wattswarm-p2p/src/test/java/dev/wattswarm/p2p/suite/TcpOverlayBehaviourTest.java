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

/** The behaviour suites over TLS on loopback: each node on its own 127.0.0.x address, port 0. */
class TcpOverlayBehaviourTest extends OverlayBehaviourSuite {
  /** Explicit liveness: a silent peer is down after 2 s, generous enough for a loaded machine. */
  static final TcpConfig CONFIG = TcpConfig.local().withLiveness(250, 2_000);

  @Override
  protected OverlayEnv env() {
    List<KeyPair> keys = new ArrayList<>();
    List<TcpTransport> ts = new ArrayList<>();
    List<ThreadScheduler> ss = new ArrayList<>();
    List<Overlay> all = new ArrayList<>();
    return new OverlayEnv() {
      @Override
      Overlay newOverlay(int i) {
        while (keys.size() <= i) keys.add(KeyPair.generate(new SecureRandom()));
        TcpTransport t = TcpTransport.start(keys.get(i), NETWORK, new InetSocketAddress("127.0.0." + (20 + i), 0), CONFIG);
        ThreadScheduler s = new ThreadScheduler("ws-p2p-" + i, Clock.systemUTC());
        if (ts.size() <= i) {
          ts.add(t);
          ss.add(s);
        } else {
          ts.set(i, t);
          ss.set(i, s);
        }
        Overlay o = new Overlay(t, s, MembershipConfig.local(), BroadcastConfig.local(), new Random(i + 31L * all.size()));
        all.add(o);
        return o;
      }

      @Override
      String address(int i) {
        return ts.get(i).localAddress();
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
      void sendRaw(int from, int to, byte[] frame) {
        ts.get(from).connect(ts.get(to).localAddress(), null).thenAccept(l -> l.send(frame));
      }

      @Override
      public void close() {
        for (Overlay o : all) o.close();
        for (ThreadScheduler s : ss) s.close();
      }
    };
  }
}
