package dev.wattswarm.economy.ledger;

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
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random ledger traffic from several nodes and their agents, as real signed events: genesis,
 * transfers (some overspending, some with bad amounts or accounts), acknowledgements (some twice,
 * some of other accounts' credits, a few of credits that never existed), missions escrowed and
 * then finalized or cancelled, agents' own ops, an agent signing one chain position twice, and a
 * node forking its lane (with the proof another node publishes). Each node's events form its
 * lane; a forked lane has two branches, and a replica holds only one of them, as a store would.
 */
final class LedgerWorld {
  static final int NODES = 4;
  static final long SUPPLY = 1_000_000_000L;
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  final Random rnd;
  final KeyPair[] keys = new KeyPair[NODES];
  final EventSigner[] signers = new EventSigner[NODES];
  final String net;
  final KeyPair[] agents = new KeyPair[2];
  final int[] agentHost = {1, 2};
  final long[] agentSeq = new long[2];
  /** Per node: its lane in order. A forked lane keeps branch A here and branch B in {@link #forkB}. */
  final List<List<Event>> lanes = new ArrayList<>();
  final Map<Integer, Event> forkB = new HashMap<>();
  final Map<Integer, Long> forkAt = new HashMap<>();
  final List<Event> all = new ArrayList<>();
  /** Credits not yet acknowledged, by payee. */
  final Map<String, List<String>> unacked = new HashMap<>();
  final List<String> acked = new ArrayList<>();
  final List<String[]> openMissions = new ArrayList<>(); // {mission, coordinator index}
  /**
   * What the nodes know while they act: every event as it is emitted. Honest nodes acknowledge
   * only credits they hold as open, as the node's wallet does.
   */
  final MapTx view = new MapTx();
  int missions;

  LedgerWorld(long seed) {
    rnd = new Random(seed);
    for (int i = 0; i < NODES; i++) {
      byte[] secret = new byte[32];
      rnd.nextBytes(secret);
      keys[i] = new KeyPair(secret);
      lanes.add(new ArrayList<>());
    }
    net = "local:" + keys[0].id();
    for (int i = 0; i < NODES; i++) signers[i] = new EventSigner(keys[i], net, CLOCK);
    for (int i = 0; i < agents.length; i++) {
      byte[] secret = new byte[32];
      rnd.nextBytes(secret);
      agents[i] = new KeyPair(secret);
    }
  }

  String node(int i) {
    return keys[i].id().toString();
  }

  String agent(int i) {
    return agents[i].id().toString();
  }

  Event emit(int node, String type, String taskId, ObjectNode payload) {
    Event e = signers[node].sign(Scope.GLOBAL, EventKind.EVENTS, type, taskId, payload);
    lanes.get(node).add(e);
    all.add(e);
    view.deliver(e);
    return e;
  }

  /** Generates about {@code ops} events. */
  void generate(int ops) {
    emit(0, LedgerOp.GENESIS, "", CanonicalJson.object().put("supply", SUPPLY).put("fee_bps", 250));
    emit(1, LedgerOp.GENESIS, "", CanonicalJson.object().put("supply", 5).put("fee_bps", 0)); // not the genesis node
    while (all.size() < ops) {
      int r = rnd.nextInt(100);
      int n = rnd.nextInt(NODES);
      if (r < 15) send(0); // the genesis holder keeps money moving
      else if (r < 40) send(n);
      else if (r < 70) ack(n);
      else if (r < 78) postMission(n);
      else if (r < 86) endMission();
      else if (r < 92) agentOp(rnd.nextInt(agents.length));
      else if (r < 96) bogus(n);
      else if (r < 97 && forkAt.size() < 2) fork(3 - forkAt.size());
      else if (r < 98 && rnd.nextInt(20) == 0) agentFork(rnd.nextInt(agents.length));
      else send(0);
    }
  }

  private String target(int self) {
    List<String> c = new ArrayList<>();
    for (int i = 0; i < NODES; i++) if (i != self) c.add(node(i));
    for (KeyPair a : agents) c.add(a.id().toString());
    return c.get(rnd.nextInt(c.size()));
  }

  private long amount() {
    int r = rnd.nextInt(100);
    if (r < 3) return 10_000_000; // more than anyone holds
    return 1 + rnd.nextInt(r < 80 ? 100 : 3_000);
  }

  private void send(int n) {
    String to = target(n);
    Event e = emit(n, LedgerOp.SENT, "", CanonicalJson.object().put("to", to).put("amount", amount()));
    unacked.computeIfAbsent(to, k -> new ArrayList<>()).add(e.id().hex());
  }

  /**
   * An acknowledgement of a credit open to {@code account} in the nodes' view (taken off its
   * list), naming the credit's origin as the wallet does; null when none.
   */
  private ObjectNode openCredit(String account) {
    List<String> mine = unacked.getOrDefault(account, List.of());
    for (int tries = 0; tries < 4 && !mine.isEmpty(); tries++) {
      int i = rnd.nextInt(mine.size());
      String id = mine.get(i);
      ObjectNode c = view.get(LedgerDocs.NS, "c/" + id).map(d -> (ObjectNode) CanonicalJson.parse(d.doc())).orElse(null);
      String state = c == null ? "" : c.path("state").asText();
      if (state.equals("open")) {
        mine.remove(i);
        ObjectNode ack = CanonicalJson.object().put("credit", id);
        for (String f : List.of("origin", "origin_seq", "origin_agent", "origin_agent_seq")) if (c.has(f)) ack.set(f, c.get(f));
        return ack;
      }
      if (!state.isEmpty()) mine.remove(i); // void or taken: nothing to acknowledge
    }
    return null;
  }

  private void ack(int n) {
    ObjectNode ack = openCredit(node(n));
    if (ack == null) return;
    emit(n, LedgerOp.RECEIVED, "", ack);
    acked.add(ack.get("credit").asText());
  }

  private void postMission(int n) {
    String id = "m" + (++missions);
    long reward = rnd.nextInt(10) == 0 ? 50_000_000 : 1 + rnd.nextInt(2_000);
    ObjectNode spec = CanonicalJson.object().put("task_id", id).put("task_type", "swarm").put("reward", reward);
    spec.putObject("inputs").put("prompt", "work " + id);
    emit(n, TaskEventTypes.CREATED, id, spec);
    if (n == 1 && rnd.nextBoolean()) {
      agentEmit(0, LedgerOp.ESCROWED, CanonicalJson.object().put("mission", id).put("amount", reward));
    } else {
      emit(n, LedgerOp.ESCROWED, "", CanonicalJson.object().put("mission", id).put("amount", rnd.nextInt(30) == 0 ? reward + 1 : reward));
    }
    openMissions.add(new String[] {id, Integer.toString(n)});
  }

  private void endMission() {
    if (openMissions.isEmpty()) return;
    String[] m = openMissions.remove(rnd.nextInt(openMissions.size()));
    int c = Integer.parseInt(m[1]);
    boolean done = rnd.nextInt(3) > 0;
    if (done) {
      ObjectNode f = CanonicalJson.object().put("executor", node(c) + "/w");
      f.putObject("output").put("answer", m[0]);
      emit(c, TaskEventTypes.FINALIZED, m[0], f);
    } else {
      emit(c, TaskEventTypes.CANCELLED, m[0], CanonicalJson.object().put("reason", "changed my mind"));
    }
    // the winner (the coordinator's own executor) or the poster acknowledges what settlement opened
    String payee = node(c);
    unacked.computeIfAbsent(payee, k -> new ArrayList<>()).add("m:" + m[0] + ":" + payee);
    String poster = agent(0); // a mission node 1 posted for its agent refunds the agent
    unacked.computeIfAbsent(poster, k -> new ArrayList<>()).add("m:" + m[0] + ":" + poster);
  }

  private Event agentEmit(int a, String type, ObjectNode body) {
    int host = agentHost[a];
    ObjectNode p = AgentAuth.sign(agents[a], node(host), ++agentSeq[a], net, type, body);
    return emit(host, type, "", p);
  }

  private void agentOp(int a) {
    ObjectNode ack = rnd.nextBoolean() ? openCredit(agent(a)) : null;
    if (ack != null) {
      agentEmit(a, LedgerOp.RECEIVED, ack);
    } else {
      String to = target(-1);
      if (to.equals(agent(a))) to = node(0);
      Event e = agentEmit(a, LedgerOp.SENT, CanonicalJson.object().put("to", to).put("amount", amount()));
      unacked.computeIfAbsent(to, k -> new ArrayList<>()).add(e.id().hex());
    }
  }

  /** What an honest node never signs: bad amounts and accounts, double acknowledgements, forgeries. */
  private void bogus(int n) {
    ObjectNode p = CanonicalJson.object();
    switch (rnd.nextInt(10)) {
      case 9 -> { // someone else's credit
        String other = node((n + 1) % NODES);
        List<String> theirs = unacked.getOrDefault(other, List.of());
        if (theirs.isEmpty()) return;
        String id = theirs.get(rnd.nextInt(theirs.size()));
        if (view.get(LedgerDocs.NS, "c/" + id).isEmpty()) return; // honest or not, nobody waits on what it cannot see
        emit(n, LedgerOp.RECEIVED, "", CanonicalJson.object().put("credit", id));
        return;
      }
      case 0 -> p.put("to", target(n)).put("amount", 0);
      case 1 -> p.put("to", target(n)).put("amount", -7);
      case 2 -> p.put("to", target(n)).put("amount", 1.5);
      case 3 -> p.put("to", target(n)).put("amount", (1L << 53) + 1);
      case 4 -> p.put("to", "treasury").put("amount", 3);
      case 5 -> p.put("to", node(n)).put("amount", 3);
      case 6 -> {
        if (acked.isEmpty()) return;
        emit(n, LedgerOp.RECEIVED, "", CanonicalJson.object().put("credit", acked.get(rnd.nextInt(acked.size()))));
        return;
      }
      case 7 -> { // a forged agent op: signed by the wrong key, so no chain takes it
        ObjectNode f = AgentAuth.sign(agents[0], node(n), 1 + rnd.nextInt(5), net, LedgerOp.SENT,
            CanonicalJson.object().put("to", node(n)).put("amount", 1));
        f.put("amount", 1000);
        emit(n, LedgerOp.SENT, "", f);
        return;
      }
      default -> { // an acknowledgement of a credit nobody sent: only node 3 does this, and its chain stops there
        if (n != 3 || rnd.nextInt(50) != 0) return;
        emit(n, LedgerOp.RECEIVED, "", CanonicalJson.object().put("credit", "0".repeat(64)));
        return;
      }
    }
    emit(n, LedgerOp.SENT, "", p);
  }

  /** Node {@code n} signs a second event at its lane's next position; node 0 publishes the proof. */
  private void fork(int n) {
    if (forkAt.containsKey(n) || lanes.get(n).isEmpty()) return;
    List<Event> lane = lanes.get(n);
    Event last = lane.get(lane.size() - 1);
    EventSigner other = new EventSigner(keys[n], net, CLOCK);
    other.seed(Scope.GLOBAL, new LaneHead(last.laneSeq(), last.id()));
    Event b = other.sign(Scope.GLOBAL, EventKind.EVENTS, LedgerOp.SENT, "", CanonicalJson.object().put("to", node(0)).put("amount", 1 + rnd.nextInt(100)));
    Event a = emit(n, LedgerOp.SENT, "", CanonicalJson.object().put("to", node(1)).put("amount", 1 + rnd.nextInt(100)));
    forkB.put(n, b);
    forkAt.put(n, a.laneSeq());
    emit(0, EventTypes.EVIDENCE_EQUIVOCATION, "", EquivocationProof.payload(a, b));
  }

  /** An agent signs two different ops at one position of its chain; its host carries both. */
  private void agentFork(int a) {
    long seq = ++agentSeq[a];
    int host = agentHost[a];
    for (int i = 0; i < 2; i++) {
      ObjectNode p = AgentAuth.sign(agents[a], node(host), seq, net, LedgerOp.SENT, CanonicalJson.object().put("to", node(i)).put("amount", 1));
      emit(host, LedgerOp.SENT, "", p);
    }
  }
}
