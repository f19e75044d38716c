package dev.wattswarm.agents;

import dev.wattswarm.node.Node;
import dev.wattswarm.node.Projections;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.p2p.RequestRouter;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.p2p.Overlay;
import dev.wattswarm.p2p.gossip.BroadcastConfig;
import dev.wattswarm.p2p.limits.PeerLimits;
import dev.wattswarm.p2p.membership.MembershipConfig;
import dev.wattswarm.p2p.tcp.TcpConfig;
import dev.wattswarm.p2p.tcp.TcpTransport;
import dev.wattswarm.p2p.transport.ThreadScheduler;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Random;

/**
 * A node on a real TLS overlay bound to 127.0.0.1, for tests: its log, its substrate and the
 * request router agents register on. Strikes do not ban here (the bound is high), so a test can
 * count every strike a lying peer earns and keep talking to it.
 */
final class TlsNode implements AutoCloseable {
  static final String NETWORK = "agents-test-net";

  final Node node;
  final Overlay overlay;
  final RequestRouter router;
  private final ThreadScheduler scheduler;

  TlsNode(Path dir, Clock clock) {
    node = Node.open(NodeConfig.local(dir), new StateDir(dir), clock, new SecureRandom(), Projections.all(), key -> NETWORK);
    TcpTransport transport = TcpTransport.start(node.key(), NETWORK, new InetSocketAddress("127.0.0.1", 0), TcpConfig.local());
    scheduler = new ThreadScheduler("test-p2p", clock);
    overlay = new Overlay(transport, scheduler, MembershipConfig.local(), BroadcastConfig.local(),
        new PeerLimits(20_000, 40_000, 10_000, 20_000, 1_000_000, 60_000), new Random(new SecureRandom().nextLong()));
    router = new RequestRouter(overlay);
  }

  String address() {
    return overlay.transport().localAddress();
  }

  void join(TlsNode other) {
    overlay.join(other.address(), other.node.nodeId());
  }

  boolean linkedTo(TlsNode other) {
    return overlay.neighbours().containsKey(other.node.nodeId());
  }

  @Override
  public void close() {
    overlay.close();
    scheduler.close();
    node.close();
  }

  /** The nodes of one test, each in its own directory under the test's, closed newest first. */
  static final class Pool implements AutoCloseable {
    private final Path dir;
    private final java.util.List<TlsNode> open = new java.util.ArrayList<>();

    Pool(Path dir) {
      this.dir = dir;
    }

    /** A node in {@code dir/name}: the same name again is the same node key (a restart). */
    TlsNode start(String name) {
      TlsNode n = new TlsNode(dir.resolve(name), Clock.systemUTC());
      open.add(0, n);
      return n;
    }

    /** Closes one node now (a crash or a stop before a restart). */
    void stop(TlsNode n) {
      open.remove(n);
      n.close();
    }

    @Override
    public void close() {
      for (TlsNode n : open) n.close();
      open.clear();
    }
  }
}
