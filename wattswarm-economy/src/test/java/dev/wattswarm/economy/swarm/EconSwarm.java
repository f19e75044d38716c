package dev.wattswarm.economy.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.economy.Economy;
import dev.wattswarm.economy.EconomyConfig;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.Projections;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.p2p.EventSync;
import dev.wattswarm.node.p2p.RequestRouter;
import dev.wattswarm.node.p2p.SyncConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.node.task.Executor;
import dev.wattswarm.node.task.TaskRequest;
import dev.wattswarm.node.task.TaskRuntime;
import dev.wattswarm.node.task.TestExecutors;
import dev.wattswarm.p2p.Overlay;
import dev.wattswarm.p2p.gossip.BroadcastConfig;
import dev.wattswarm.p2p.membership.MembershipConfig;
import dev.wattswarm.p2p.sim.SimNetwork;
import dev.wattswarm.p2p.sim.SimTransport;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whole nodes (log, SQLite store, sync, task runtime, economy) over the simulated network: the
 * network substrate is simulated, everything above it is the product. Node 0 founds the network
 * and mints the supply. A liar runs the same software but its own credit watch is off: it
 * acknowledges (or not) by hand, and signs whatever else {@link Liar} makes it sign.
 */
final class EconSwarm implements AutoCloseable {
  static final EconomyConfig ECONOMY = new EconomyConfig(1_000_000, 100, 0, 4);

  record Peer(String name, boolean liar, Node node, SimTransport transport, Overlay overlay, EventSync sync, TaskRuntime tasks,
      Economy economy) {
    String id() {
      return node.nodeId().toString();
    }
  }

  final SimNetwork net;
  final List<Peer> peers = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Path dir;
  private String networkId;

  EconSwarm(Path dir, long seed) {
    this.dir = dir;
    this.net = new SimNetwork(seed);
    // the simulated substrate runs on virtual time; this thread lets it advance alongside the real nodes
    Thread driver = Thread.ofPlatform().daemon(true).name("sim-driver").start(() -> {
      while (running.get()) {
        net.scheduler().runFor(5);
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    closeables.add(driver::interrupt);
  }

  Peer add(String name, boolean liar, long seed) {
    Path d = dir.resolve(name);
    Node node = Node.open(NodeConfig.local(d), new StateDir(d), Clock.systemUTC(), new SecureRandom(), Projections.all(), key -> {
      if (networkId == null) networkId = "net:" + key.id(); // the first node founds the network and holds the genesis account
      return networkId;
    });
    closeables.add(node);
    SimTransport t = net.newNode(node.key(), networkId);
    Overlay o = new Overlay(t, net.scheduler(), MembershipConfig.local(), BroadcastConfig.local(), new Random(seed));
    EventSync sync = new EventSync(node.log(), o, new RequestRouter(o), Set.of(Scope.GLOBAL), SyncConfig.local());
    closeables.add(sync);
    List<Executor> execs = liar ? List.of(TestExecutors.summer("liar", true)) : List.of(TestExecutors.summer("honest", false), echo());
    TaskRuntime rt = TaskRuntime.start(node, execs, true);
    closeables.add(rt);
    Economy eco = Economy.start(node, rt, null, ECONOMY, account -> true);
    closeables.add(eco);
    if (liar) eco.close(); // a liar acknowledges by hand: it must be able to hold a credit it has not acknowledged
    Peer p = new Peer(name, liar, node, t, o, sync, rt, eco);
    peers.add(p);
    return p;
  }

  void connect() {
    for (int i = 1; i < peers.size(); i++) peers.get(i).overlay().join(peers.get(0).transport().localAddress());
  }

  boolean connected() {
    return peers.stream().allMatch(p -> !p.overlay().neighbours().isEmpty());
  }

  List<Peer> honest() {
    return peers.stream().filter(p -> !p.liar()).toList();
  }

  List<Peer> liars() {
    return peers.stream().filter(Peer::liar).toList();
  }

  String networkId() {
    return networkId;
  }

  /** Only honest nodes have it: fast missions on it are never won by a liar. */
  static Executor echo() {
    return new Executor() {
      public String name() {
        return "echo";
      }

      public Set<String> capabilities() {
        return Set.of("echo");
      }

      public JsonNode execute(TaskRequest t) {
        return CanonicalJson.object().put("echo", t.prompt());
      }

      public Verdict verify(TaskRequest t, JsonNode c) {
        return execute(t).equals(c) ? Verdict.passed("same") : Verdict.failed("different");
      }
    };
  }

  @Override
  public void close() {
    running.set(false);
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception ignored) {
        // best effort: the test already judged what it needed
      }
    }
  }
}
