package dev.wattswarm.node.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.task.TaskEventTypes;
import dev.wattswarm.kernel.task.TaskState;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.Projections;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.p2p.EventSync;
import dev.wattswarm.node.p2p.RequestRouter;
import dev.wattswarm.node.p2p.SyncConfig;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ten to fourteen whole nodes (log, store, sync, task runtime) over the simulated network, a third of them
 * Byzantine: each liar runs three executors that answer wrongly (stuffing quorums), and signs
 * mischief on every task it sees (finalizing, assigning and expiring tasks it does not
 * coordinate, claiming as other nodes' executors, flooding bids, voting without a slot) and forks
 * its lane, handing the second branch straight to some honest nodes. Honest
 * nodes must end with byte-identical task documents, and a quorum task whose honest slot holders
 * reach the threshold must finalize with the honest answer. The scenario is seeded: the seed is
 * printed, and {@code -Dwattswarm.byzantine.seed=N} replays its choices.
 */
@Timeout(240)
class ByzantineTaskSwarmTest {
  @TempDir Path tmp;
  final List<AutoCloseable> closeables = new ArrayList<>();
  final AtomicBoolean running = new AtomicBoolean(true);

  @AfterEach
  void stop() throws Exception {
    running.set(false);
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception ignored) {
        // best effort: the test already judged what it needed
      }
    }
  }

  record Peer(String name, boolean byzantine, Node node, SimTransport transport, Overlay overlay, TaskRuntime tasks) {}

  /** Answers at random: without agreement on who won, nodes would show different results. */
  static Executor dice(String name) {
    Random r = new Random();
    return new Executor() {
      public String name() {
        return name;
      }

      public Set<String> capabilities() {
        return Set.of("rand");
      }

      public JsonNode execute(TaskRequest t) {
        return CanonicalJson.object().put("roll", r.nextInt(1_000_000));
      }

      public Verdict verify(TaskRequest t, JsonNode c) {
        return Verdict.inconclusive("random");
      }
    };
  }

  Peer peer(SimNetwork net, String name, boolean byzantine, long seed) {
    Path dir = tmp.resolve(name);
    Node node = Node.open(NodeConfig.local(dir), new StateDir(dir), Clock.systemUTC(), new SecureRandom(),
        Projections.all(), key -> "net:sim");
    closeables.add(node);
    SimTransport t = net.newNode(node.key(), "net:sim");
    Overlay o = new Overlay(t, net.scheduler(), MembershipConfig.local(), BroadcastConfig.local(), new Random(seed));
    closeables.add(new EventSync(node.log(), o, new RequestRouter(o), Set.of(Scope.GLOBAL), SyncConfig.local()));
    List<Executor> execs = byzantine
        ? List.of(TestExecutors.summer("liar1", true), TestExecutors.summer("liar2", true), TestExecutors.summer("liar3", true), dice("dice"))
        : List.of(TestExecutors.summer("honest", false), dice("dice"));
    TaskRuntime rt = TaskRuntime.start(node, execs, true);
    return new Peer(name, byzantine, node, t, o, rt);
  }

  /** Signed, well-formed, and against the rules: every honest node must refuse it the same way. */
  static void mischief(Peer liar, TaskState s, Peer victim, Random r) {
    String me = liar.node().nodeId().toString();
    String honestEx = victim.node().nodeId() + "/honest";
    List<ObjectNode> facts = new ArrayList<>();
    List<String> types = new ArrayList<>();
    types.add(TaskEventTypes.FINALIZED);
    facts.add(CanonicalJson.object().put("candidate_hash", "00".repeat(32)));
    types.add(TaskEventTypes.ASSIGNED);
    facts.add(CanonicalJson.object().put("executor", me + "/liar2"));
    types.add(TaskEventTypes.EXPIRED);
    facts.add(CanonicalJson.object().put("reason", "early sweep"));
    types.add(TaskEventTypes.CLAIMED);
    facts.add(CanonicalJson.object().put("executor", honestEx));
    types.add(TaskEventTypes.VOTE_REVEALED);
    facts.add(CanonicalJson.object().put("voter", me + "/liar3").put("candidate_hash", "11".repeat(32)).put("salt", "x"));
    types.add(TaskEventTypes.RELEASED);
    facts.add(CanonicalJson.object().put("executor", honestEx));
    for (int i = 0; i < facts.size(); i++) {
      if (r.nextInt(3) == 0) continue;
      liar.node().log().publishAsync(s.spec().scope(), EventKind.EVENTS, types.get(i), s.taskId(), facts.get(i));
    }
  }

  /**
   * Forks the liar's lane: signs a second bid at the position of one it published, and hands it
   * straight to some honest nodes, so stores hold different branches until the evidence spreads.
   */
  static void fork(Peer liar, TaskState s, List<Peer> victims) {
    String me = liar.node().nodeId().toString();
    ObjectNode real = CanonicalJson.object().put("executor", me + "/liar1");
    real.putArray("capabilities").add(s.spec().capability());
    dev.wattswarm.kernel.event.Event x = liar.node().log().publish(s.spec().scope(), EventKind.EVENTS, TaskEventTypes.CLAIMED,
        s.taskId(), real);
    var forger = new dev.wattswarm.kernel.event.EventSigner(liar.node().key(), liar.node().networkId(), Clock.systemUTC());
    forger.seed(x.scope(), new dev.wattswarm.kernel.event.LaneHead(x.laneSeq() - 1, x.prev()));
    forger.observe(x.clock() - 1);
    ObjectNode other = CanonicalJson.object().put("executor", me + "/liar2");
    other.putArray("capabilities").add(s.spec().capability());
    dev.wattswarm.kernel.event.Event y = forger.sign(x.scope(), EventKind.EVENTS, TaskEventTypes.CLAIMED, s.taskId(), other);
    for (Peer v : victims) {
      try {
        // a victim must hold the lane up to just before the fork, or it refuses Y as a gap
        await().atMost(Duration.ofSeconds(30))
            .until(() -> v.node().store().laneHead(x.author(), x.scope()).seq() >= x.laneSeq() - 1);
        v.node().log().ingest(y);
      } catch (RuntimeException | AssertionError refused) {
        // this victim already held the other branch (it proves the fork itself), or never caught up
      }
    }
  }

  @Test
  void honestNodesAgreeAndLiarsCannotWinAQuorumTheyDoNotHold() {
    long seed = Long.getLong("wattswarm.byzantine.seed", System.nanoTime());
    System.out.println("ByzantineTaskSwarmTest seed=" + seed + " (replay with -Dwattswarm.byzantine.seed=" + seed + ")");
    Random r = new Random(seed);
    SimNetwork net = new SimNetwork(seed);
    // The nodes keep their leases and vote windows on the wall clock, so the network's virtual time
    // follows the wall clock too: advancing a fixed 5 ms per pause let it fall behind on a loaded
    // machine (pauses stretch, the work in each step takes longer), which stretched every message's
    // delay against those windows.
    long started = System.nanoTime();
    Thread driver = Thread.ofPlatform().daemon(true).start(() -> {
      long advanced = 0;
      while (running.get()) {
        long due = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (due > advanced) {
          net.scheduler().runFor(due - advanced);
          advanced = due;
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    closeables.add(driver::interrupt);

    int n = 10 + r.nextInt(5);
    int byz = n / 3;
    List<Peer> peers = new ArrayList<>();
    for (int i = 0; i < n; i++) peers.add(peer(net, "n" + i, i >= n - byz, seed + i));
    for (int i = 1; i < n; i++) peers.get(i).overlay().join(peers.get(0).transport().localAddress());
    await().atMost(Duration.ofSeconds(60)).until(() -> peers.stream().allMatch(p -> !p.overlay().neighbours().isEmpty()));
    List<Peer> honest = peers.stream().filter(p -> !p.byzantine()).toList();
    List<Peer> liars = peers.stream().filter(Peer::byzantine).toList();
    for (Peer liar : liars) {
      Random lr = new Random(r.nextLong());
      liar.tasks().tracker().subscribe(c -> {
        if (c.before() != null) return;
        mischief(liar, c.after(), honest.get(lr.nextInt(honest.size())), lr);
        if (lr.nextInt(3) == 0) {
          List<Peer> victims = honest.subList(0, 1 + lr.nextInt(honest.size() / 2));
          Thread.ofVirtual().start(() -> fork(liar, c.after(), victims));
        }
      });
    }

    Map<String, Long> sums = new HashMap<>();
    List<String> ids = new ArrayList<>();
    int quorumTasks = 4 + r.nextInt(3);
    for (int i = 0; i < quorumTasks; i++) {
      long a = r.nextInt(100), b = r.nextInt(100), c = r.nextInt(100);
      String id = "q-" + i;
      sums.put(id, a + b + c);
      ids.add(id);
      ObjectNode t = CanonicalJson.object().put("task_id", id).put("capability", "sum").put("profile", "quorum")
          .put("lease_ms", 20_000).put("expires_in_ms", 120_000).put("vote_window_ms", 5_000).put("reveal_window_ms", 5_000);
      t.putObject("quorum").put("executors", 5).put("threshold", 3);
      t.putObject("inputs").put("prompt", "sum " + a + " " + b + " " + c);
      honest.get(r.nextInt(honest.size())).tasks().service().submit(t);
    }
    for (int i = 0; i < 8; i++) {
      String id = "r-" + i;
      ids.add(id);
      ObjectNode t = CanonicalJson.object().put("task_id", id).put("capability", "rand").put("lease_ms", 20_000)
          .put("expires_in_ms", 120_000);
      t.putObject("inputs").put("prompt", "roll " + i);
      honest.get(r.nextInt(honest.size())).tasks().service().submit(t);
    }

    await("every honest node holds the same proofs of the liars' forks").atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(500)).until(() -> honest.stream().map(ByzantineTaskSwarmTest::forks).distinct().count() == 1
            && !forks(honest.get(0)).isEmpty());
    await("every honest node ends every task with the same document").atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(500)).until(() -> agreed(honest, ids));

    Set<String> liarNodes = new java.util.HashSet<>();
    for (Peer l : liars) liarNodes.add(l.node().nodeId().toString());
    int honestWins = 0;
    for (String id : ids) {
      JsonNode doc = doc(honest.get(0), id);
      assertThat(doc.path("state").asText()).as("seed %d task %s: %s", seed, id, doc).isIn("finalized", "failed", "expired");
      if (!id.startsWith("q-")) {
        assertThat(doc.path("state").asText()).as("seed %d fast task %s", seed, id).isEqualTo("finalized");
        continue;
      }
      long honestSlots = 0;
      var nodes = new java.util.HashSet<String>();
      for (var it = doc.path("candidates").fieldNames(); it.hasNext(); ) {
        String ex = it.next();
        String node = ex.substring(0, ex.indexOf('/'));
        assertThat(nodes.add(node)).as("seed %d task %s: node %s holds two slots", seed, id, node).isTrue();
        if (!liarNodes.contains(node)) honestSlots++;
      }
      if (doc.path("state").asText().equals("finalized") && honestSlots >= 3) {
        assertThat(doc.path("output").path("sum").asLong()).as("seed %d task %s: %s", seed, id, doc).isEqualTo(sums.get(id));
        honestWins++;
      }
    }
    System.out.println("ByzantineTaskSwarmTest seed=" + seed + ": " + n + " nodes, " + byz + " Byzantine, "
        + honestWins + " of " + quorumTasks + " quorum tasks won by the honest majority; the network ran "
        + net.scheduler().now() + " ms of virtual time in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
    // with two thirds of the nodes honest, some quorum must have been held and won by them
    assertThat(honestWins).as("seed %d: no quorum task was won by honest slot holders", seed).isPositive();
  }

  static List<String> forks(Peer p) {
    return p.node().store().projections(dev.wattswarm.kernel.evidence.EvidenceProjector.NS, null, "", 1_000).stream()
        .map(d -> d.json()).toList();
  }

  static JsonNode doc(Peer p, String id) {
    return p.tasks().service().get(id).orElse(CanonicalJson.object());
  }

  static boolean agreed(List<Peer> honest, List<String> ids) {
    for (String id : ids) {
      String first = null;
      for (Peer p : honest) {
        JsonNode d = doc(p, id);
        String st = d.path("state").asText("");
        if (!st.equals("finalized") && !st.equals("failed") && !st.equals("expired")) return false;
        String bytes = CanonicalJson.encodeString(d);
        if (first == null) first = bytes;
        else if (!first.equals(bytes)) return false;
      }
    }
    return true;
  }
}
