package dev.wattswarm.p2p.suite;

import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.p2p.Overlay;
import dev.wattswarm.p2p.gossip.BroadcastConfig;
import dev.wattswarm.p2p.membership.MembershipConfig;
import dev.wattswarm.p2p.sim.SimNetwork;
import dev.wattswarm.p2p.sim.SimTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/** The behaviour suites in virtual time. */
class SimOverlayBehaviourTest extends OverlayBehaviourSuite {
  @Override
  protected OverlayEnv env() {
    long seed = 42;
    System.out.println("SimOverlayBehaviourTest seed=" + seed);
    SimNetwork net = new SimNetwork(seed);
    List<KeyPair> keys = new ArrayList<>();
    List<SimTransport> ts = new ArrayList<>();
    Random r = new Random(seed);
    return new OverlayEnv() {
      @Override
      Overlay newOverlay(int i) {
        while (keys.size() <= i) {
          byte[] secret = new byte[32];
          r.nextBytes(secret);
          keys.add(new KeyPair(secret));
        }
        SimTransport t = net.newNode(keys.get(i), NETWORK);
        if (ts.size() <= i) ts.add(t);
        else ts.set(i, t);
        return new Overlay(t, net.scheduler(), MembershipConfig.local(), BroadcastConfig.local(), new Random(seed + i + 31L * ts.size()));
      }

      @Override
      String address(int i) {
        return ts.get(i).localAddress();
      }

      @Override
      public boolean await(BooleanSupplier done, long maxMs) {
        return net.scheduler().runUntil(done, maxMs);
      }

      @Override
      public void crash(int i) {
        net.crash(ts.get(i));
      }

      @Override
      void sendRaw(int from, int to, byte[] frame) {
        ts.get(from).connect(ts.get(to).localAddress(), null).thenAccept(l -> l.send(frame));
      }

      @Override
      public void close() {}
    };
  }
}
