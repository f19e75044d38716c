package dev.wattswarm.economy.swarm;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.economy.ledger.LedgerOp;
import dev.wattswarm.economy.swarm.EconSwarm.Peer;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventSigner;
import dev.wattswarm.kernel.event.LaneHead;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.task.TaskEventTypes;
import dev.wattswarm.node.p2p.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * The liars' attacks that go around their own log: a lane forked to double-spend (one branch
 * handed to each half of the honest nodes), a mission's task id re-created under a sybil identity
 * with an earlier Lamport clock, and raw gossip that is malformed, oversized or replayed.
 */
final class Forger {
  private Forger() {}

  /** The two branches of a double spend, signed at the same position of the liar's global lane. */
  record Fork(String liar, long seq, Event toFirstHalf, Event toSecondHalf) {}

  static Fork doubleSpend(Peer liar, long amount, String payeeA, String payeeB, List<Peer> halfA, List<Peer> halfB) {
    var store = liar.node().store();
    LaneHead head = store.laneHead(liar.node().nodeId(), Scope.GLOBAL);
    long clock = store.laneAfter(liar.node().nodeId(), Scope.GLOBAL, head.seq() - 1, 1).get(0).clock();
    Event a = branch(liar, head, clock, payeeA, amount);
    Event b = branch(liar, head, clock, payeeB, amount);
    deliver(a, halfA);
    deliver(b, halfB);
    return new Fork(liar.id(), head.seq() + 1, a, b);
  }

  private static Event branch(Peer liar, LaneHead head, long clock, String to, long amount) {
    EventSigner s = new EventSigner(liar.node().key(), liar.node().networkId(), Clock.systemUTC());
    s.seed(Scope.GLOBAL, head);
    s.observe(clock);
    return s.sign(Scope.GLOBAL, EventKind.EVENTS, LedgerOp.SENT, "", CanonicalJson.object().put("to", to).put("amount", amount));
  }

  /** Hands {@code e} straight to each victim once it holds the lane up to just before it. */
  static void deliver(Event e, List<Peer> victims) {
    for (Peer v : victims) {
      await().atMost(Duration.ofSeconds(30)).until(() -> v.node().store().laneHead(e.author(), e.scope()).seq() >= e.laneSeq() - 1);
      try {
        v.node().log().ingest(e);
      } catch (RuntimeException refusedAsFork) {
        // the victim already held the other branch by backfill: it proves the fork itself
      }
    }
  }

  /**
   * A sybil of the liar re-creates an honest mission's task (same id, its own spec) with a Lamport
   * clock one below the honest creation, so by the task fold's order it is the first creation and
   * the sybil the coordinator. Delivered to each victim after it holds the honest escrow.
   */
  static Event stealMission(KeyPair sybil, String networkId, Event honestCreation, Event honestEscrow, List<Peer> victims) {
    EventSigner s = new EventSigner(sybil, networkId, Clock.systemUTC());
    s.observe(Math.max(0, honestCreation.clock() - 2));
    ObjectNode spec = (ObjectNode) CanonicalJson.parse(honestCreation.payload());
    spec.put("capability", "sum");
    Event fake = s.sign(Scope.GLOBAL, EventKind.EVENTS, TaskEventTypes.CREATED, honestCreation.taskId(), spec);
    for (Peer v : victims) {
      await().atMost(Duration.ofSeconds(30)).until(() -> v.node().store().contains(honestEscrow.id()));
      v.node().log().ingest(fake);
    }
    return fake;
  }

  /** The sybil, now coordinator by the fold, finalizes the task with its own executor's output. */
  static Event finalizeStolen(KeyPair sybil, String networkId, Event fake, List<Peer> victims) {
    EventSigner s = new EventSigner(sybil, networkId, Clock.systemUTC());
    s.seed(Scope.GLOBAL, new LaneHead(fake.laneSeq(), fake.id()));
    s.observe(fake.clock());
    JsonNode output = CanonicalJson.object().put("sum", 42);
    ObjectNode f = CanonicalJson.object().put("executor", sybil.id() + "/thief");
    f.set("output", output);
    Event fin = s.sign(Scope.GLOBAL, EventKind.EVENTS, TaskEventTypes.FINALIZED, fake.taskId(), f);
    for (Peer v : victims) v.node().log().ingest(fin);
    return fin;
  }

  /** Raw gossip on the global topic: garbage, oversized, a wrong id, and a replay of an honest event. */
  static int garbage(Peer liar, Event honestOld, Random rnd) {
    String topic = Topics.of(liar.node().networkId(), Scope.GLOBAL, EventKind.EVENTS);
    byte[] junk = new byte[300];
    rnd.nextBytes(junk);
    byte[] id = new byte[32];
    rnd.nextBytes(id);
    liar.overlay().publish(topic, id.clone(), junk);
    liar.overlay().publish(topic, id.clone(), new byte[liar.sync().rules().maxGossipBytes() + 10]);
    byte[] wrong = honestOld.id().bytes().clone();
    wrong[0] ^= 1;
    liar.overlay().publish(topic, wrong, honestOld.encoded());
    EventSigner far = new EventSigner(liar.node().key(), liar.node().networkId(), Clock.systemUTC());
    far.seed(Scope.GLOBAL, new LaneHead(1_000_000, honestOld.id()));
    Event huge = far.signRaw(Scope.GLOBAL, EventKind.EVENTS, LedgerOp.SENT, "",
        ("{\"to\":\"x\",\"amount\":1,\"pad\":\"" + "a".repeat(liar.sync().rules().maxPayloadBytes()) + "\"}").getBytes());
    liar.overlay().publish(topic, huge.id().bytes(), huge.encoded());
    liar.overlay().publish(topic, honestOld.id().bytes(), honestOld.encoded()); // a replay: dropped as already held
    return 5;
  }
}
