package dev.wattswarm.economy.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.economy.EconomyException;
import dev.wattswarm.economy.swarm.EconSwarm.Peer;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.evidence.EvidenceProjector;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nine to twelve whole nodes on the simulated network, a third of them Byzantine, doing real WATT
 * work (transfers, missions settled, cancelled and refunded) while the liars, each with its own
 * key, attack the ledger: overspends, spending a credit not acknowledged, debits of other
 * accounts, foreign acknowledgements, payout claims, replays, malformed and oversized events, a
 * mission's task id re-created by a sybil with an earlier clock, and a double spend by forking
 * their lane into two halves of the honest nodes. Every honest node must end with the same
 * {@code watt} projection byte for byte, the supply conserved, no negative balance, every honest
 * transfer applied, and every liar op refused with the reason the rules give. Seeded: the seed is
 * printed and {@code -Dwattswarm.econbyz.seed=N} replays the scenario's choices.
 */
@Timeout(240)
class EconomyByzantineSwarmTest {
  static final long FUND = 10_000;
  @TempDir Path tmp;
  EconSwarm swarm;

  @AfterEach
  void stop() {
    if (swarm != null) swarm.close();
  }

  @Test
  void honestLedgersAgreeWhileAThirdOfTheNodesAttackTheEconomy() {
    long seed = Long.getLong("wattswarm.econbyz.seed", System.nanoTime());
    System.out.println("EconomyByzantineSwarmTest seed=" + seed + " (replay with -Dwattswarm.econbyz.seed=" + seed + ")");
    Random r = new Random(seed);
    swarm = new EconSwarm(tmp, seed);
    int n = 9 + r.nextInt(4);
    int byz = n / 3;
    for (int i = 0; i < n; i++) swarm.add("n" + i, i >= n - byz, seed + i);
    swarm.connect();
    await().atMost(Duration.ofSeconds(60)).until(swarm::connected);
    List<Peer> honest = swarm.honest();
    Peer genesis = honest.get(0);
    Map<String, String> expected = new ConcurrentHashMap<>();
    Map<String, Integer> attempts = new TreeMap<>();
    List<Liar> liars = new ArrayList<>();
    for (Peer p : swarm.liars()) liars.add(new Liar(p, new Random(r.nextLong()), expected, attempts));
    Set<String> liarAccounts = new HashSet<>();
    liars.forEach(l -> liarAccounts.add(l.me.id()));
    List<String> honestSends = new ArrayList<>();
    long t0 = System.nanoTime();

    // funding: the genesis account pays every other node; liars acknowledge by hand
    await("genesis minted").until(() -> genesis.economy().wallet().reader().meta().path("supply").asLong() == EconSwarm.ECONOMY.genesisSupply());
    for (Peer p : swarm.peers) if (p != genesis) honestSends.add(genesis.economy().wallet().transfer(p.id(), FUND, null).path("id").asText());
    for (Liar l : liars) {
      await("liar holds its funding").until(() -> l.pending() >= FUND);
      l.me.economy().wallet().acknowledgeOpenCredits();
    }
    await("every node is funded everywhere").atMost(Duration.ofSeconds(60)).until(() -> honest.stream().allMatch(h -> {
      LedgerAudit a = new LedgerAudit(h.node().store());
      return swarm.peers.stream().allMatch(p -> p == genesis || a.balance(p.id()) == FUND);
    }));
    long funded = System.nanoTime();

    // honest work: transfers, a short-balance transfer refused before anything is signed, missions
    for (Liar l : liars) honestSends.add(send(honest.get(1 + r.nextInt(honest.size() - 1)), l.me.id(), 77));
    List<String[]> honestToHonest = new ArrayList<>(); // {credit, payee}
    for (Peer h : honest) {
      for (int i = 0; i < 3; i++) {
        Peer to = swarm.peers.get(r.nextInt(swarm.peers.size()));
        if (to == h) continue;
        String id = send(h, to.id(), 1 + r.nextInt(200));
        honestSends.add(id);
        if (!to.liar()) honestToHonest.add(new String[] {id, to.id()});
      }
    }
    Peer shortOne = honest.get(1);
    assertThatThrownBy(() -> shortOne.economy().wallet().transfer(genesis.id(), 1_000_000_000L, null))
        .isInstanceOf(EconomyException.class).hasMessageContaining("insufficient funds");
    MissionWork missions = new MissionWork(honest, r);
    missions.postAll();
    Peer stealVictim = missions.stealVictim;

    // the liars' ops through their own logs
    String quorumMission = missions.quorum.get(0);
    String echoMission = missions.echo.get(0);
    for (Liar l : liars) {
      await("liar holds an unacknowledged credit").until(() -> l.pending() > 0);
      Peer victim = honest.get(r.nextInt(honest.size()));
      l.overspend(victim.id());
      l.spendUnacknowledged(victim.id());
      l.badAmountsAndAccounts(victim.id());
      l.payFromSomeoneElse(victim.id());
      l.acknowledgeOthers(honestToHonest.get(r.nextInt(honestToHonest.size()))[0]);
      await("liar holds the mission's task").until(() -> l.me.tasks().service().get(quorumMission).isPresent()
          && l.me.economy().wallet().reader().doc("m/" + echoMission).isPresent());
      l.escrowForeign(quorumMission, missions.reward(quorumMission));
      l.claimPayout(echoMission, null); // while it may still be escrowed: the claim must end refused everywhere
      l.replayAcknowledgement(l.me.economy().wallet().reader().ops(l.me.id(), 1).get(0).path("op").path("body"));
      missions.finalizeLosers(l);
    }
    missions.awaitSettled();
    for (Liar l : liars) {
      String m = missions.echo.get(1);
      l.claimPayout(m, missions.winner(genesis, m));
    }

    // a sybil re-creates the open mission's task id with an earlier clock and finalizes it for itself
    KeyPair sybil = new KeyPair(seedBytes(r));
    Event creation = find(stealVictim, "task.created", missions.steal);
    Event escrow = find(stealVictim, "watt.escrowed", missions.steal);
    Event fake = Forger.stealMission(sybil, swarm.networkId(), creation, escrow, honest);
    Forger.finalizeStolen(sybil, swarm.networkId(), fake, honest);
    expected.put(escrow.id().hex(), "rejected: not_coordinator"); // judged again against the task the fold now holds
    synchronized (attempts) {
      attempts.merge("steal_mission", 2, Integer::sum);
    }

    awaitAgreement("honest ledgers agree on every op before the forks", honest, expected, honestSends, List.of());
    long judged = System.nanoTime();

    // double spends: each liar forks its lane, its whole balance to an honest node in one half and to a fresh key in the other
    List<Forger.Fork> forks = new ArrayList<>();
    List<Peer> halfA = honest.subList(0, honest.size() / 2), halfB = honest.subList(honest.size() / 2, honest.size());
    for (Liar l : liars) {
      String puppet = new KeyPair(seedBytes(r)).id().toString();
      forks.add(Forger.doubleSpend(l.me, l.balance(), halfA.get(r.nextInt(halfA.size())).id(), puppet, halfA, halfB));
    }
    for (Liar l : liars) Forger.garbage(l.me, find(genesis, "watt.sent", null), r);
    synchronized (attempts) {
      attempts.merge("double_spend_fork", 2 * forks.size(), Integer::sum);
      attempts.merge("raw_gossip", 5 * liars.size(), Integer::sum);
    }
    long forked = System.nanoTime();
    awaitAgreement("honest ledgers agree after the forks", honest, expected, honestSends, forks);
    long agreedAt = System.nanoTime();

    // the verdicts, node by node
    LedgerAudit first = new LedgerAudit(genesis.node().store());
    for (Peer h : honest) {
      LedgerAudit a = new LedgerAudit(h.node().store());
      String at = "seed " + seed + " node " + h.name();
      assertThat(a.digest).as("%s: watt projection differs from %s:%s", at, genesis.name(), LedgerAudit.diff(first, a)).isEqualTo(first.digest);
      assertThat(a.meta.path("supply").asLong()).as(at).isEqualTo(EconSwarm.ECONOMY.genesisSupply());
      assertThat(a.conserved()).as("%s: supply not conserved: %s", at, a.meta).isTrue();
      assertThat(a.nonNegative()).as("%s: a negative balance", at).isTrue();
      for (String id : honestSends) assertThat(a.verdicts.get(id)).as("%s honest send %s", at, id).isEqualTo("applied");
      expected.forEach((id, v) -> {
        if (v.equals(Liar.NOT_AN_OP)) assertThat(a.verdicts).as("%s: %s is no ledger op", at, id).doesNotContainKey(id);
        else assertThat(a.verdicts.get(id)).as("%s liar op %s", at, id).isEqualTo(v);
      });
      for (Forger.Fork f : forks) {
        assertThat(a.verdicts).as("%s: forked branches move nothing", at).doesNotContainKeys(f.toFirstHalf().id().hex(), f.toSecondHalf().id().hex());
        a.ops.values().forEach(op -> assertThat(op.path("carrier").asText().equals(f.liar()) && op.path("carrier_seq").asLong() >= f.seq())
            .as("%s: an op of %s past its fork at %d is still in a chain: %s", at, f.liar(), f.seq(), op).isFalse());
      }
      missions.check(a, at, liarAccounts, sybil.id().toString());
      assertThat(a.balance(sybil.id().toString())).as(at).isZero();
    }

    // what it measured
    Map<String, Integer> refusedByReason = first.verdictCounts(liarAccounts);
    int notAnOp = (int) expected.values().stream().filter(Liar.NOT_AN_OP::equals).count();
    Map<String, Long> rejectedGossip = new TreeMap<>();
    for (Peer h : honest) h.sync().counters().forEach((k, v) -> {
      if (k.startsWith("rejected_events.")) rejectedGossip.merge(k.substring(16), v, Long::sum);
    });
    long forkedAcks = first.verdicts.values().stream().filter("rejected: forked_credit"::equals).count();
    System.out.printf("EconomyByzantineSwarmTest seed=%d: %d nodes, %d Byzantine; %d honest transfers applied; %d missions%n", seed, n, byz,
        honestSends.size(), missions.count());
    System.out.println("  liar attempts by kind: " + Liar.sorted(attempts));
    System.out.println("  liar chain verdicts on every honest node: " + refusedByReason + ", no op at all: " + notAnOp
        + ", forked branches dropped: " + 2 * forks.size() + ", acknowledgements of forked credit refused: " + forkedAcks);
    System.out.println("  refused at intake (sum over honest nodes): " + rejectedGossip);
    System.out.printf("  real time: funding %d ms, work and attacks judged alike %d ms, agreement after the forks %d ms; digest %s%n",
        ms(funded - t0), ms(judged - funded), ms(agreedAt - forked), first.digest.substring(0, 16));
    assertThat(refusedByReason.getOrDefault("applied", 0)).as("liars' applied ops: their funding acknowledgements").isEqualTo(liars.size());
    assertThat(rejectedGossip.values().stream().mapToLong(Long::longValue).sum()).as("raw garbage refused at intake").isPositive();
  }

  static long ms(long nanos) {
    return nanos / 1_000_000;
  }

  static byte[] seedBytes(Random r) {
    byte[] b = new byte[32];
    r.nextBytes(b);
    return b;
  }

  static String send(Peer from, String to, long amount) {
    ObjectNode o = from.economy().wallet().transfer(to, amount, null);
    return o.path("id").asText();
  }

  /** The first event of {@code p}'s own global lane with this type and task (or mission) id. */
  static Event find(Peer p, String type, String id) {
    for (Event e : p.node().store().laneAfter(p.node().nodeId(), dev.wattswarm.kernel.event.Scope.GLOBAL, 0, 100_000)) {
      if (!e.type().equals(type)) continue;
      if (id == null || e.taskId().equals(id)) return e;
      JsonNode pl = CanonicalJson.parse(e.payload());
      if (id.equals(pl.path("mission").asText())) return e;
    }
    throw new AssertionError("no " + type + " for " + id + " in the lane of " + p.name());
  }

  /** Every honest node holds the same watt bytes, every expected verdict, every honest send applied. */
  static boolean agreed(List<Peer> honest, Map<String, String> expected, List<String> sends) {
    String digest = null;
    for (Peer h : honest) {
      LedgerAudit a = new LedgerAudit(h.node().store());
      if (digest == null) digest = a.digest;
      else if (!digest.equals(a.digest)) return false;
      for (String id : sends) if (!"applied".equals(a.verdicts.get(id))) return false;
      for (var e : expected.entrySet()) {
        if (!e.getValue().equals(Liar.NOT_AN_OP) && !e.getValue().equals(a.verdicts.get(e.getKey()))) return false;
      }
    }
    return true;
  }

  static void awaitAgreement(String what, List<Peer> honest, Map<String, String> expected, List<String> sends, List<Forger.Fork> forks) {
    try {
      await(what).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
          .until(() -> agreed(honest, expected, sends) && forks.stream().allMatch(f -> proven(honest, f)));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      StringBuilder s = new StringBuilder(what + ": not reached.");
      LedgerAudit first = new LedgerAudit(honest.get(0).node().store());
      for (Peer h : honest) {
        LedgerAudit a = new LedgerAudit(h.node().store());
        s.append("\n").append(h.name()).append(" digest ").append(a.digest, 0, 12);
        if (!a.digest.equals(first.digest)) s.append(LedgerAudit.diff(first, a));
        for (String id : sends) if (!"applied".equals(a.verdicts.get(id))) s.append("\n  honest send ").append(id).append(": ").append(a.verdicts.get(id));
        expected.forEach((id, v) -> {
          if (!v.equals(Liar.NOT_AN_OP) && !v.equals(a.verdicts.get(id))) s.append("\n  ").append(id).append(" expected ").append(v).append(", got ").append(a.verdicts.get(id));
        });
        for (Forger.Fork f : forks) if (!proven(List.of(h), f)) s.append("\n  fork of ").append(f.liar()).append(" at ").append(f.seq()).append(" not proven");
      }
      throw new AssertionError(s.toString(), e);
    }
  }

  static boolean proven(List<Peer> honest, Forger.Fork f) {
    return honest.stream().allMatch(h -> h.node().store().projection(EvidenceProjector.NS, EvidenceProjector.key(f.liar(), "global"))
        .map(d -> CanonicalJson.parse(d.doc()).path("seq").asLong() == f.seq()).orElse(false));
  }
}
