package dev.wattswarm.economy.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.crypto.Ed25519;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.ProjectionDoc;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The ledger's invariants over {@code -Dwattswarm.ledger.ops} (default 34,000) random signed
 * events from four nodes and two agents ({@link LedgerWorld}), delivered to three replicas (so
 * about 10^5 operations are judged) in
 * different random orders that keep each lane in sequence, with duplicates, and with a replica
 * holding one branch of each forked lane: total supply is conserved, no balance is ever negative,
 * every applied debit is signed by its payer, and every replica ends with the same documents
 * byte for byte, as does a refold from scratch. {@code -Dwattswarm.ledger.seed=S} replays a run.
 */
class LedgerPropertyTest {
  @Test
  void invariantsHoldWhateverTheDeliveryOrder() {
    long seed = Long.getLong("wattswarm.ledger.seed", new Random().nextLong());
    // 34,000 events delivered to three replicas: 10^5 operations judged, in seconds on a quiet machine
    run(seed, Integer.getInteger("wattswarm.ledger.ops", 34_000));
  }

  /**
   * A seed CI met: an agent forked its chain in ops its host carried at lane positions later
   * proven forked. The replica that held those ops before the proof recorded the agent's fork,
   * the one that held the proof first never saw the ops; and the fork's undo had lost the
   * credit one of them opened. Agent ops are now parked, not dropped, and placed again by a refold.
   */
  @Test
  void anAgentForkCarriedAtALaneForkLaterProvenCountsOnNoReplica() {
    run(-6265556857019511453L, 34_000);
  }

  private static void run(long seed, int ops) {
    long cpu0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    System.out.println("LedgerPropertyTest seed " + seed + " (-Dwattswarm.ledger.seed=" + seed + " replays it), " + ops + " ops");
    long t0 = System.nanoTime();
    LedgerWorld w = new LedgerWorld(seed);
    w.generate(ops);
    long generated = System.nanoTime();
    Map<String, Event> byId = new HashMap<>();
    for (Event e : w.all) byId.put(e.id().hex(), e);

    Random order = new Random(seed ^ 0x5eed);
    List<MapTx> replicas = new ArrayList<>();
    replicas.add(w.view); // the emission order, branch A of each fork
    for (int r = 1; r < 3; r++) {
      MapTx tx = new MapTx();
      deliver(w, tx, r, order, r == 2);
      replicas.add(tx);
    }
    long delivered = System.nanoTime();
    String reference = replicas.get(0).dump();
    String ledger = replicas.get(0).dump(LedgerDocs.NS);
    for (int r = 0; r < replicas.size(); r++) {
      MapTx tx = replicas.get(r);
      // signatures are checked on one replica: the replicas hold the same ops, as the next lines show
      checkInvariants(tx, w, r == 0 ? byId : null, "seed " + seed);
      // replicas holding other branches of a forked lane hold other events (task logs keep them), but
      // the ledger drops both branches: its documents are the same on all
      if (r % 2 == 0) assertSame(tx.dump(), reference, "replica documents, seed " + seed);
      assertSame(tx.dump(LedgerDocs.NS), ledger, "ledger documents of replica " + r + ", seed " + seed);
    }
    MapTx refolded = replicas.get(2);
    new Ledger(refolded.ledgerDocs(w.net)).refold();
    assertSame(refolded.dump(), reference, "a refold from scratch, seed " + seed);

    // the traffic must exercise what the invariants are about, or a pass means little
    Map<String, Integer> verdicts = verdicts(replicas.get(0));
    System.out.printf("LedgerPropertyTest verdicts %s, duplicates skipped %d, refolds %d; generated (with the first replica) in %d ms, 2 more deliveries in %d ms, %d ms of CPU in all%n", verdicts,
        replicas.get(2).duplicates, Ledger.REFOLDS.get(), (generated - t0) / 1_000_000, (delivered - generated) / 1_000_000,
        (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0) / 1_000_000);
    if (ops >= 10_000) {
      assertThat(verdicts).containsKeys("applied", "rejected: insufficient_funds", "rejected: bad_amount", "rejected: already_received",
          "rejected: not_payee", "rejected: reward_mismatch", "rejected: bad_account");
      assertThat(replicas.get(0).docs.keySet().stream().filter(k -> k.startsWith("watt|m/")).count()).isPositive();
      assertThat(replicas.get(0).docs.keySet().stream().filter(k -> k.startsWith("watt|f/")).count()).as("agent forks").isLessThanOrEqualTo(2);
      assertThat(replicas.get(0).docs.keySet().stream().filter(k -> k.startsWith("equivocation|")).count()).as("lane forks").isPositive();
    }
  }

  /**
   * Delivers every lane in sequence, interleaved at random; replica {@code r} holds branch A of a
   * forked lane when r is even and branch B otherwise. The first replica checks the invariants
   * every few thousand events too.
   */
  private static void deliver(LedgerWorld w, MapTx tx, int r, Random order, boolean checkAlong) {
    List<List<Event>> lanes = new ArrayList<>();
    for (int n = 0; n < LedgerWorld.NODES; n++) {
      List<Event> lane = new ArrayList<>(w.lanes.get(n));
      Long at = w.forkAt.get(n);
      if (at != null && r % 2 == 1) {
        lane = new ArrayList<>(lane.subList(0, (int) (at - 1)));
        lane.add(w.forkB.get(n));
      }
      lanes.add(lane);
    }
    int[] next = new int[lanes.size()];
    int left = lanes.stream().mapToInt(List::size).sum();
    int delivered = 0;
    while (left > 0) {
      int n = order.nextInt(lanes.size());
      if (next[n] >= lanes.get(n).size()) continue;
      int burst = 1 + order.nextInt(40);
      for (int i = 0; i < burst && next[n] < lanes.get(n).size(); i++) {
        Event e = lanes.get(n).get(next[n]++);
        tx.deliver(e);
        if (order.nextInt(50) == 0) tx.deliver(e); // a duplicate, as gossip and backfill bring them
        left--;
        if (checkAlong && ++delivered % 20_000 == 0) checkInvariants(tx, w, null, "after " + delivered + " events");
      }
    }
  }

  private static void checkInvariants(MapTx tx, LedgerWorld w, Map<String, Event> byId, String when) {
    long balances = 0;
    long escrowed = 0;
    for (ProjectionDoc d : tx.docs.values()) {
      if (!d.namespace().equals(LedgerDocs.NS)) continue;
      JsonNode j = CanonicalJson.parse(d.doc());
      if (d.key().startsWith("a/")) {
        assertThat(j.path("balance").asLong()).as("balance of " + d.key() + ", " + when).isNotNegative();
        assertThat(j.path("escrowed").asLong()).as("escrowed of " + d.key() + ", " + when).isNotNegative();
        assertThat(j.path("pending").asLong()).as("pending of " + d.key() + ", " + when).isNotNegative();
        balances += j.path("balance").asLong();
        escrowed += j.path("escrowed").asLong();
      } else if (byId != null && d.key().startsWith("o/") && j.path("result").asText().equals("applied")) {
        LedgerOp op = LedgerOp.fromJson(j.get("op"));
        if (op.type().equals(LedgerOp.SENT) || op.type().equals(LedgerOp.ESCROWED)) {
          Event e = byId.get(op.eventId());
          assertThat(Ed25519.verify(e.author().keyBytes(), e.id().bytes(), e.signature())).as("event signature " + op.eventId()).isTrue();
          if (op.byAgent()) {
            assertThat(AgentAuth.verify(op.owner(), w.net, op.type(), op.body())).as("agent signature on " + op.eventId()).isTrue();
          } else {
            assertThat(e.author().toString()).as("a node debit is signed by its payer").isEqualTo(op.owner());
          }
        }
      }
    }
    JsonNode meta = tx.get(LedgerDocs.NS, "meta").map(d -> CanonicalJson.parse(d.doc())).orElseThrow();
    assertThat(meta.path("supply").asLong()).as("supply, " + when).isEqualTo(LedgerWorld.SUPPLY);
    assertThat(balances).as("sum of balances, " + when).isEqualTo(meta.path("balances").asLong());
    assertThat(escrowed).as("escrowed, " + when).isEqualTo(meta.path("escrowed").asLong());
    assertThat(meta.path("balances").asLong() + meta.path("escrowed").asLong() + meta.path("in_flight").asLong())
        .as("balances + escrowed + in flight = supply, " + when).isEqualTo(meta.path("supply").asLong());
  }

  /** Names the first few documents that differ rather than printing every document. */
  static void assertSame(String actual, String expected, String what) {
    if (actual.equals(expected)) return;
    java.util.Set<String> a = new java.util.TreeSet<>(List.of(actual.split("\n")));
    java.util.Set<String> e = new java.util.TreeSet<>(List.of(expected.split("\n")));
    List<String> diff = new ArrayList<>();
    for (String l : e) if (!a.contains(l) && diff.size() < 6) diff.add("- " + l);
    for (String l : a) if (!e.contains(l) && diff.size() < 12) diff.add("+ " + l);
    throw new AssertionError(what + " differ:\n" + String.join("\n", diff));
  }

  private static Map<String, Integer> verdicts(MapTx tx) {
    Map<String, Integer> v = new java.util.TreeMap<>();
    for (ProjectionDoc d : tx.docs.values()) {
      if (d.namespace().equals(LedgerDocs.NS) && d.key().startsWith("o/")) {
        v.merge(CanonicalJson.parse(d.doc()).path("result").asText("(waiting)"), 1, Integer::sum);
      }
    }
    return v;
  }
}
