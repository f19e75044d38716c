package dev.wattswarm.economy.mission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.economy.mission.Settlement.Payout;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.task.TaskState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The quorum split: reward minus fee, equally among the executors that voted with the decision,
 * the remainder one unit each to the first of them by executor id; each share to the executor's
 * payee (its agent) or its node. The same settlement from a state another node decoded from the
 * stored bytes, so every node pays the same.
 */
class SettlementTest {
  static final JsonNode GOOD = CanonicalJson.parse("{\"answer\":42}");
  static final JsonNode BAD = CanonicalJson.parse("{\"answer\":41}");
  static final List<String> AGENTS = java.util.stream.Stream.generate(
      () -> dev.wattswarm.kernel.identity.KeyPair.generate(new java.security.SecureRandom()).id().toString()).limit(4).toList();

  static Settlement settle(TaskState t, long reward, long bps) {
    Settlement s = Settlement.of(t, reward, bps, "poster");
    // another node holds the same state as stored bytes: it must settle alike
    assertThat(Settlement.of(TaskState.fromJson(CanonicalJson.parse(t.encode())), reward, bps, "poster")).isEqualTo(s);
    return s;
  }

  @Test
  void theMajoritySplitsTheRestAndTheFirstByExecutorIdGetsTheRemainder() {
    Map<String, JsonNode> outputs = new LinkedHashMap<>();
    // inserted out of id order on purpose: the split sorts by executor id, not arrival
    outputs.put("n3/e", GOOD);
    outputs.put("n1/e", GOOD);
    outputs.put("n4/e", BAD);
    outputs.put("n2/e", GOOD);
    Map<String, JsonNode> votes = new LinkedHashMap<>(outputs);
    TaskState t = new QuorumRun(4, 1_000).run(outputs, Map.of("n2/e", AGENTS.get(0)), votes, GOOD);
    Settlement s = settle(t, 1_000, 100);
    assertThat(s.fee()).isEqualTo(10);
    // 990 among n1, n2 (its agent), n3: 330 each; n4 voted against and gets nothing
    assertThat(s.payouts()).containsExactlyInAnyOrder(new Payout(AGENTS.get(0), 330), new Payout("n1", 330), new Payout("n3", 330));

    TaskState odd = new QuorumRun(4, 1_000).run(outputs, Map.of(), votes, GOOD);
    Settlement r = settle(odd, 1_001, 0);
    // 1001 = 3 * 333 + 2: the first two by executor id (n1/e, n2/e) get one unit more
    assertThat(r.payouts()).containsExactly(new Payout("n1", 334), new Payout("n2", 334), new Payout("n3", 333));
  }

  @Test
  void aMinorityExecutorThatVotedWithTheMajorityIsPaidAndAMajorityOneThatDidNotIsNot() {
    Map<String, JsonNode> outputs = new LinkedHashMap<>();
    outputs.put("a/e", GOOD);
    outputs.put("b/e", GOOD);
    outputs.put("c/e", BAD);
    Map<String, JsonNode> votes = new LinkedHashMap<>();
    votes.put("a/e", GOOD);
    votes.put("b/e", BAD); // proposed the winner but voted against it
    votes.put("c/e", GOOD); // proposed a loser but voted for the winner
    TaskState t = new QuorumRun(3, 100).run(outputs, Map.of(), votes, GOOD);
    assertThat(settle(t, 100, 0).payouts()).containsExactly(new Payout("a", 50), new Payout("c", 50));
  }

  /** Seeded: {@code -Dwattswarm.settlement.seed=S} replays a run. */
  @Test
  void randomQuorumsConserveTheRewardAndFollowTheRule() {
    long seed = Long.getLong("wattswarm.settlement.seed", new Random().nextLong());
    System.out.println("SettlementTest seed " + seed + " (-Dwattswarm.settlement.seed=" + seed + " replays it)");
    Random rnd = new Random(seed);
    for (int run = 0; run < 300; run++) {
      int n = 2 + rnd.nextInt(9);
      int majority = n / 2 + 1 + rnd.nextInt(n - n / 2);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < n; i++) ids.add("node" + rnd.nextInt(1_000_000) + "-" + i + "/ex");
      java.util.Collections.shuffle(ids, rnd);
      Map<String, JsonNode> outputs = new LinkedHashMap<>();
      Map<String, JsonNode> votes = new LinkedHashMap<>();
      Map<String, String> payees = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        outputs.put(ids.get(i), rnd.nextBoolean() ? GOOD : CanonicalJson.parse("{\"answer\":" + rnd.nextInt(5) + "}"));
        if (rnd.nextInt(3) == 0) payees.put(ids.get(i), AGENTS.get(rnd.nextInt(4))); // agents may share an account
      }
      outputs.put(ids.get(0), GOOD);
      List<JsonNode> others = outputs.values().stream().filter(o -> !o.equals(GOOD)).toList();
      for (int i = 0; i < n; i++) {
        boolean withMajority = i < majority || others.isEmpty();
        votes.put(ids.get(i), withMajority ? GOOD : others.get(rnd.nextInt(others.size())));
      }
      long reward = 1 + (long) (rnd.nextDouble() * (1L << 53));
      long bps = rnd.nextInt(10_001);
      TaskState t = new QuorumRun(n, reward).run(outputs, payees, votes, GOOD);
      Settlement s = settle(t, reward, bps);

      long fee = java.math.BigInteger.valueOf(reward).multiply(java.math.BigInteger.valueOf(bps)).divide(java.math.BigInteger.valueOf(10_000)).longValueExact();
      List<String> winners = new ArrayList<>();
      for (String ex : QuorumRun.sortedKeys(votes)) if (votes.get(ex).equals(GOOD)) winners.add(ex);
      TreeMap<String, Long> expected = new TreeMap<>();
      long rest = reward - fee;
      for (int i = 0; i < winners.size(); i++) {
        String ex = winners.get(i);
        long amount = rest / winners.size() + (i < rest % winners.size() ? 1 : 0);
        if (amount > 0) expected.merge(payees.getOrDefault(ex, QuorumRun.node(ex)), amount, Long::sum);
      }
      TreeMap<String, Long> got = new TreeMap<>();
      for (Payout p : s.payouts()) got.put(p.account(), p.amount());
      assertThat(got).as("seed %d run %d", seed, run).isEqualTo(expected);
      assertThat(s.fee()).isEqualTo(fee);
      assertThat(got.values().stream().mapToLong(Long::longValue).sum() + s.fee()).as("conserved, seed %d", seed).isEqualTo(reward);
    }
  }

  @Test
  void aFastWinnerWithAnAgentIsPaidIntoTheAgentsAccount() {
    var created = dev.wattswarm.kernel.task.TaskStateMachine.apply(null, new dev.wattswarm.kernel.task.TaskFact("task.created", "c", 1,
        CanonicalJson.parse("{\"task_id\":\"f\",\"inputs\":{\"prompt\":\"x\"},\"reward\":100}")));
    var fin = dev.wattswarm.kernel.task.TaskStateMachine.apply(created.state(), new dev.wattswarm.kernel.task.TaskFact("task.finalized", "c", 2,
        CanonicalJson.parse("{\"executor\":\"c/e\",\"output\":{\"a\":1},\"payee\":\"z6MkagentAAA\"}")));
    // the kernel checks the payee's form (a did:key); this one is not, so it is refused and nothing is paid
    assertThat(fin.accepted()).isFalse();
    String agent = dev.wattswarm.kernel.identity.KeyPair.generate(new java.security.SecureRandom()).id().toString();
    fin = dev.wattswarm.kernel.task.TaskStateMachine.apply(created.state(), new dev.wattswarm.kernel.task.TaskFact("task.finalized", "c", 2,
        CanonicalJson.parse("{\"executor\":\"c/e\",\"output\":{\"a\":1},\"payee\":\"" + agent + "\"}")));
    Settlement s = settle(fin.state(), 100, 100);
    assertThat(s.payouts()).containsExactly(new Payout(agent, 99));
    var plain = dev.wattswarm.kernel.task.TaskStateMachine.apply(created.state(), new dev.wattswarm.kernel.task.TaskFact("task.finalized", "c", 2,
        CanonicalJson.parse("{\"executor\":\"c/e\",\"output\":{\"a\":1}}")));
    assertThat(settle(plain.state(), 100, 100).payouts()).containsExactly(new Payout("c", 99));
  }
}
