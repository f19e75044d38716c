package dev.wattswarm.economy.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventSigner;
import dev.wattswarm.kernel.event.EventTypes;
import dev.wattswarm.kernel.event.LaneHead;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.evidence.EquivocationProof;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.task.TaskEventTypes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Orders of delivery the Byzantine swarm test ({@code EconomyByzantineSwarmTest}) ran into, each a
 * case where a liar's ops reached honest nodes in different orders and the ledger's documents
 * depended on that order. Two replicas get the same events (or, for a fork, one branch each) in
 * two orders; their {@code watt} documents must be the same bytes.
 */
class LedgerOrderTest {
  final KeyPair[] keys = new KeyPair[4];
  final EventSigner[] signers = new EventSigner[4];
  final String net;

  LedgerOrderTest() {
    for (int i = 0; i < keys.length; i++) {
      byte[] s = new byte[32];
      s[0] = (byte) (i + 1);
      keys[i] = new KeyPair(s);
    }
    net = "local:" + keys[0].id();
    for (int i = 0; i < keys.length; i++) signers[i] = new EventSigner(keys[i], net, LedgerWorld.CLOCK);
  }

  String id(int i) {
    return keys[i].id().toString();
  }

  Event emit(int n, String type, String task, ObjectNode payload) {
    return signers[n].sign(Scope.GLOBAL, EventKind.EVENTS, type, task, payload);
  }

  ObjectNode send(int to, long amount) {
    return CanonicalJson.object().put("to", id(to)).put("amount", amount);
  }

  ObjectNode ack(Event sent) {
    return CanonicalJson.object().put("credit", sent.id().hex()).put("origin", sent.author().toString()).put("origin_seq", sent.laneSeq());
  }

  ObjectNode mission(String id, long reward) {
    ObjectNode spec = CanonicalJson.object().put("task_id", id).put("task_type", "swarm").put("reward", reward);
    spec.putObject("inputs").put("prompt", "work");
    return spec;
  }

  /** Genesis to node 0, 1,000 each to nodes 1 and 2, acknowledged. */
  List<Event> funded() {
    List<Event> out = new ArrayList<>();
    out.add(emit(0, LedgerOp.GENESIS, "", CanonicalJson.object().put("supply", 1_000_000).put("fee_bps", 100)));
    for (int n = 1; n <= 2; n++) {
      Event s = emit(0, LedgerOp.SENT, "", send(n, 1_000));
      out.add(s);
      out.add(emit(n, LedgerOp.RECEIVED, "", ack(s)));
    }
    return out;
  }

  static MapTx replica(List<Event> events) {
    MapTx tx = new MapTx();
    events.forEach(tx::deliver);
    return tx;
  }

  static JsonNode doc(MapTx tx, String key) {
    return tx.get(LedgerDocs.NS, key).map(d -> CanonicalJson.parse(d.doc())).orElse(null);
  }

  @Test
  void aClaimOfAPayoutThatSettlementNeverOpensEndsRefusedWhetherItCameBeforeOrAfterTheSettlement() {
    List<Event> base = funded();
    Event created = emit(1, TaskEventTypes.CREATED, "m1", mission("m1", 100));
    Event escrow = emit(1, LedgerOp.ESCROWED, "", CanonicalJson.object().put("mission", "m1").put("amount", 100));
    ObjectNode fin = CanonicalJson.object().put("executor", id(1) + "/w");
    fin.putObject("output").put("answer", 1);
    Event finalized = emit(1, TaskEventTypes.FINALIZED, "m1", fin);
    Event claim = emit(2, LedgerOp.RECEIVED, "", CanonicalJson.object().put("credit", "m:m1:" + id(2)));
    Event after = emit(2, LedgerOp.SENT, "", send(0, 5)); // what the claimer does next must count the same everywhere

    List<Event> claimLast = new ArrayList<>(base);
    claimLast.addAll(List.of(created, escrow, finalized, claim, after));
    List<Event> claimFirst = new ArrayList<>(base);
    claimFirst.addAll(List.of(created, escrow, claim, after, finalized));
    MapTx a = replica(claimLast), b = replica(claimFirst);
    assertThat(b.dump(LedgerDocs.NS)).isEqualTo(a.dump(LedgerDocs.NS));
    assertThat(doc(b, "o/" + id(2) + "/000000000001").path("result").asText()).isEqualTo("rejected: no_such_payout");
    assertThat(doc(b, "o/" + id(2) + "/000000000002").path("result").asText()).isEqualTo("applied");
  }

  @Test
  void anEscrowForAnotherNodesTaskGetsOneVerdictWhetherTheTaskArrivedFirstOrNot() {
    List<Event> base = funded();
    Event created = emit(1, TaskEventTypes.CREATED, "m1", mission("m1", 100));
    Event foreign = emit(2, LedgerOp.ESCROWED, "", CanonicalJson.object().put("mission", "m1").put("amount", 100));
    List<Event> taskFirst = new ArrayList<>(base);
    taskFirst.addAll(List.of(created, foreign));
    List<Event> escrowFirst = new ArrayList<>(base);
    escrowFirst.addAll(List.of(foreign, created));
    MapTx a = replica(taskFirst), b = replica(escrowFirst);
    assertThat(b.dump(LedgerDocs.NS)).isEqualTo(a.dump(LedgerDocs.NS));
    assertThat(doc(a, "o/" + id(2) + "/000000000001").path("result").asText()).isEqualTo("rejected: not_coordinator");
  }

  @Test
  void aTaskIdReCreatedWithAnEarlierClockCannotTakeTheEscrowOfTheNodeThatPostedIt() {
    List<Event> base = funded();
    Event created = emit(1, TaskEventTypes.CREATED, "m1", mission("m1", 100));
    Event escrow = emit(1, LedgerOp.ESCROWED, "", CanonicalJson.object().put("mission", "m1").put("amount", 100));
    // node 3 signs its own creation of m1 with a clock below node 1's, so the task fold takes it as the first
    EventSigner thief = new EventSigner(keys[3], net, LedgerWorld.CLOCK);
    Event fake = thief.sign(Scope.GLOBAL, EventKind.EVENTS, TaskEventTypes.CREATED, "m1", mission("m1", 100));
    assertThat(fake.clock()).isLessThan(created.clock());
    ObjectNode fin = CanonicalJson.object().put("executor", id(3) + "/x");
    fin.putObject("output").put("answer", 42);
    Event stolen = thief.sign(Scope.GLOBAL, EventKind.EVENTS, TaskEventTypes.FINALIZED, "m1", fin);

    List<Event> honestFirst = new ArrayList<>(base);
    honestFirst.addAll(List.of(created, escrow, fake, stolen));
    List<Event> fakeFirst = new ArrayList<>(base);
    fakeFirst.addAll(List.of(fake, created, escrow, stolen));
    MapTx a = replica(honestFirst), b = replica(fakeFirst);
    assertThat(a.dump(LedgerDocs.NS)).isEqualTo(b.dump(LedgerDocs.NS));
    JsonNode thief3 = doc(a, "a/" + id(3));
    assertThat(thief3 == null ? 0 : thief3.path("pending").asLong() + thief3.path("balance").asLong()).as("the thief is paid nothing").isZero();
    assertThat(doc(a, "a/" + id(1)).path("balance").asLong()).as("the poster keeps its reward").isEqualTo(1_000);
    assertThat(doc(a, "meta").path("balances").asLong() + doc(a, "meta").path("escrowed").asLong() + doc(a, "meta").path("in_flight").asLong())
        .isEqualTo(1_000_000);
  }

  @Test
  void aDoubleSpendToTwoFreshAccountsLeavesTheSameDocumentsOnBothBranches() {
    List<Event> base = funded();
    Event last = base.get(base.size() - 1); // node 2's acknowledgement: the head of its lane
    EventSigner other = new EventSigner(keys[2], net, LedgerWorld.CLOCK);
    other.seed(Scope.GLOBAL, new LaneHead(last.laneSeq(), last.id()));
    other.observe(last.clock());
    KeyPair x = new KeyPair(new byte[32]), y = new KeyPair(filled(7));
    Event toX = emit(2, LedgerOp.SENT, "", CanonicalJson.object().put("to", x.id().toString()).put("amount", 900));
    Event toY = other.sign(Scope.GLOBAL, EventKind.EVENTS, LedgerOp.SENT, "", CanonicalJson.object().put("to", y.id().toString()).put("amount", 900));
    Event proof = emit(0, EventTypes.EVIDENCE_EQUIVOCATION, "", EquivocationProof.payload(toX, toY));
    List<Event> branchX = new ArrayList<>(base);
    branchX.addAll(List.of(toX, proof));
    List<Event> branchY = new ArrayList<>(base);
    branchY.addAll(List.of(proof, toY)); // a node that learnt of the fork first never takes the branch at all
    List<Event> branchYFirst = new ArrayList<>(base);
    branchYFirst.addAll(List.of(toY, proof));
    MapTx a = replica(branchX), b = replica(branchY), c = replica(branchYFirst);
    assertThat(a.dump(LedgerDocs.NS)).isEqualTo(b.dump(LedgerDocs.NS)).isEqualTo(c.dump(LedgerDocs.NS));
  }

  @Test
  void aQuorumRevealThatArrivesAfterTheFinalizationStillSharesTheRewardOnEveryNode() {
    List<Event> base = funded();
    List<Event> run = new ArrayList<>();
    ObjectNode spec = mission("q", 300).put("profile", "quorum").put("vote_window_ms", 60_000).put("reveal_window_ms", 60_000)
        .put("expires_in_ms", 3_600_000);
    spec.putObject("quorum").put("executors", 3).put("threshold", 2);
    run.add(task(1, TaskEventTypes.CREATED, spec));
    run.add(emit(1, LedgerOp.ESCROWED, "", CanonicalJson.object().put("mission", "q").put("amount", 300)));
    run.add(task(1, TaskEventTypes.CLAIMED, CanonicalJson.object().put("executor", id(1) + "/e")));
    for (int n = 2; n <= 3; n++) {
      run.add(task(n, TaskEventTypes.CLAIMED, CanonicalJson.object().put("executor", id(n) + "/e")));
      run.add(task(1, TaskEventTypes.ASSIGNED, CanonicalJson.object().put("executor", id(n) + "/e")));
    }
    JsonNode answer = CanonicalJson.object().put("answer", 7);
    String hash = dev.wattswarm.kernel.task.Votes.candidateHash(answer);
    for (int n = 1; n <= 3; n++) {
      ObjectNode c = CanonicalJson.object().put("executor", id(n) + "/e");
      c.set("output", answer);
      run.add(task(n, TaskEventTypes.CANDIDATE_PROPOSED, c));
    }
    for (int n = 1; n <= 3; n++) {
      run.add(task(n, TaskEventTypes.VOTE_COMMITTED, CanonicalJson.object().put("voter", id(n) + "/e")
          .put("commit", dev.wattswarm.kernel.task.Votes.commitment(hash, "salt" + n))));
    }
    Event lateReveal = null;
    for (int n = 1; n <= 3; n++) {
      Event r = task(n, TaskEventTypes.VOTE_REVEALED, CanonicalJson.object().put("voter", id(n) + "/e").put("candidate_hash", hash)
          .put("salt", "salt" + n));
      if (n == 3) lateReveal = r;
      else run.add(r);
    }
    // node 1 decides on the two reveals it holds; node 3's reveal is older (a lower clock) but reaches some nodes only now
    run.add(task(1, TaskEventTypes.DECISION_COMMITTED, CanonicalJson.object().put("candidate_hash", hash), lateReveal));
    run.add(task(1, TaskEventTypes.FINALIZED, CanonicalJson.object().put("candidate_hash", hash), lateReveal));
    assertThat(lateReveal.clock()).isLessThan(run.get(run.size() - 1).clock());

    List<Event> inOrder = new ArrayList<>(base);
    inOrder.addAll(run.subList(0, run.size() - 2));
    inOrder.add(lateReveal);
    inOrder.addAll(run.subList(run.size() - 2, run.size()));
    List<Event> late = new ArrayList<>(base);
    late.addAll(run);
    late.add(lateReveal);
    MapTx a = replica(inOrder), b = replica(late);
    assertThat(doc(a, "m/q").path("payouts").size()).as("all three voted with the decision").isEqualTo(3);
    assertThat(b.dump(LedgerDocs.NS)).isEqualTo(a.dump(LedgerDocs.NS));
  }

  /** A task event by node {@code n}, ordered after everything signed so far (and after {@code seen}). */
  Event task(int n, String type, ObjectNode payload, Event... seen) {
    for (EventSigner s : signers) s.observe(0);
    for (Event e : seen) signers[n].observe(e.clock());
    Event e = emit(n, type, "q", payload);
    for (EventSigner s : signers) s.observe(e.clock());
    return e;
  }

  @Test
  void anAgentForkWhoseSecondOpRodeAForkedLaneIsNoForkOnAnyNode() {
    List<Event> base = funded();
    KeyPair agent = new KeyPair(filled(9));
    Event first = emit(1, LedgerOp.SENT, "", AgentAuth.sign(agent, id(1), 1, net, LedgerOp.SENT, send(0, 5)));
    EventSigner other = new EventSigner(keys[1], net, LedgerWorld.CLOCK);
    other.seed(Scope.GLOBAL, new LaneHead(first.laneSeq(), first.id()));
    other.observe(first.clock());
    // the host forks its lane right after: one branch carries a second op at the agent's position 1
    Event second = emit(1, LedgerOp.SENT, "", AgentAuth.sign(agent, id(1), 1, net, LedgerOp.SENT, send(0, 7)));
    Event plain = other.sign(Scope.GLOBAL, EventKind.EVENTS, LedgerOp.SENT, "", send(2, 1));
    Event proof = emit(0, EventTypes.EVIDENCE_EQUIVOCATION, "", EquivocationProof.payload(second, plain));
    List<Event> forkSeen = new ArrayList<>(base);
    forkSeen.addAll(List.of(first, second, proof));
    List<Event> proofFirst = new ArrayList<>(base);
    proofFirst.addAll(List.of(first, proof, second));
    List<Event> otherBranch = new ArrayList<>(base);
    otherBranch.addAll(List.of(proof, first, plain));
    MapTx a = replica(forkSeen), b = replica(proofFirst), c = replica(otherBranch);
    assertThat(a.dump(LedgerDocs.NS)).isEqualTo(b.dump(LedgerDocs.NS)).isEqualTo(c.dump(LedgerDocs.NS));
    assertThat(doc(a, "f/" + agent.id())).isNull();
  }

  @Test
  void anEscrowSignedBeforeItsTaskGetsOneVerdictWhetherARefoldCameBeforeOrAfterTheTask() {
    List<Event> base = funded();
    // node 1 escrows first and creates the task after it in its lane: judged at once, its task is unknown
    Event escrow = emit(1, LedgerOp.ESCROWED, "", CanonicalJson.object().put("mission", "m1").put("amount", 100));
    Event created = emit(1, TaskEventTypes.CREATED, "m1", mission("m1", 100));
    // an unrelated proven fork (node 3's lane) makes every node refold, at whatever point it arrives
    EventSigner other = new EventSigner(keys[3], net, LedgerWorld.CLOCK);
    Event x = emit(3, LedgerOp.SENT, "", send(0, 1));
    Event y = other.sign(Scope.GLOBAL, EventKind.EVENTS, LedgerOp.SENT, "", send(1, 1));
    Event proof = emit(0, EventTypes.EVIDENCE_EQUIVOCATION, "", EquivocationProof.payload(x, y));
    List<Event> refoldFirst = new ArrayList<>(base);
    refoldFirst.addAll(List.of(x, proof, escrow, created));
    List<Event> refoldLast = new ArrayList<>(base);
    refoldLast.addAll(List.of(x, escrow, created, proof));
    MapTx a = replica(refoldFirst), b = replica(refoldLast);
    assertThat(a.dump(LedgerDocs.NS)).isEqualTo(b.dump(LedgerDocs.NS));
  }

  static byte[] filled(int v) {
    byte[] b = new byte[32];
    java.util.Arrays.fill(b, (byte) v);
    return b;
  }
}
