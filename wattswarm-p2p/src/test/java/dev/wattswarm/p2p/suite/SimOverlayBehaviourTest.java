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

/** The behaviour suite in virtual time. */
class SimOverlayBehaviourTest extends OverlayBehaviourSuite {
  @Override
  OverlayEnv env() {
    long seed = 42;
    System.out.println("SimOverlayBehaviourTest seed=" + seed);
    SimNetwork net = new SimNetwork(seed);
    List<SimTransport> ts = new ArrayList<>();
    return new OverlayEnv() {
      @Override
      public List<Overlay> start(int n) {
        List<Overlay> out = new ArrayList<>();
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) {
          byte[] secret = new byte[32];
          r.nextBytes(secret);
          SimTransport t = net.newNode(new KeyPair(secret), "net:test");
          ts.add(t);
          out.add(new Overlay(t, net.scheduler(), MembershipConfig.local(), BroadcastConfig.local(), new Random(seed + i)));
        }
        return out;
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
      public void sendRaw(int from, int to, byte[] frame) {
        ts.get(from).connect(ts.get(to).localAddress(), null).thenAccept(l -> l.send(frame));
      }

      @Override
      public void close() {}
    };
  }
}
