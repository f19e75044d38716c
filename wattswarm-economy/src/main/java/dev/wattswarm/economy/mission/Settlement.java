package dev.wattswarm.economy.mission;

import dev.wattswarm.kernel.task.Profile;
import dev.wattswarm.kernel.task.TaskPhase;
import dev.wattswarm.kernel.task.TaskState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a mission's escrow goes, as a pure function of its task's terminal state: nothing else
 * can release it, so no signature but the task's own facts moves escrowed WATT.
 *
 * <ul>
 *   <li>finalized: the fee ({@code reward * fee_bps / 10000}, rounded down) to the treasury, the
 *       rest to the winner. A fast task's winner is the executor that produced the result. In a
 *       quorum task the rest is split equally among the executors whose revealed vote matched the
 *       decision, sorted by executor id; the units the division leaves over go one each to the
 *       first of them. A quorum result with no matching reveal on record pays the executor named
 *       in the result. Each executor is paid into the account its candidate named as
 *       {@code payee} (the agent it works for), or else into its node's account.
 *   <li>cancelled, failed, expired: the whole reward back to the poster, no fee.
 * </ul>
 *
 * @param outcome the task phase the settlement follows, with the result hash when finalized: a
 *     settled mission whose task later folds to another outcome (a proven lane fork) is refolded
 */
public record Settlement(String outcome, TaskPhase phase, List<Payout> payouts, long fee) {
  public record Payout(String account, long amount) {}

  /** The settlement of a terminal task, or null while the task is not terminal. */
  public static Settlement of(TaskState t, long reward, long feeBps, String poster) {
    if (t == null || !t.phase().terminal()) return null;
    if (t.phase() != TaskPhase.FINALIZED || t.result() == null) {
      return new Settlement(t.phase().wire(), t.phase(), List.of(new Payout(poster, reward)), 0);
    }
    long fee = fee(reward, feeBps);
    long rest = reward - fee;
    List<String> winners = new ArrayList<>();
    if (t.spec().profile() == Profile.QUORUM) {
      for (Map.Entry<String, String> r : t.reveals().entrySet()) { // a TreeMap: sorted by executor
        if (r.getValue().equals(t.result().hash())) winners.add(accountOf(t, r.getKey()));
      }
    }
    if (winners.isEmpty()) winners.add(accountOf(t, t.result().executor()));
    List<Payout> out = new ArrayList<>();
    long share = rest / winners.size();
    long left = rest % winners.size();
    for (int i = 0; i < winners.size(); i++) {
      long amount = share + (i < left ? 1 : 0);
      if (amount > 0) out.add(new Payout(winners.get(i), amount));
    }
    return new Settlement("finalized:" + t.result().hash(), t.phase(), merge(out), fee);
  }

  /**
   * {@code floor(reward * bps / 10000)} without the product: a reward near 2^53 times a fee over
   * ~1000 bps overflows a long, and a throw here would stop the ledger's projection.
   */
  static long fee(long reward, long bps) {
    return (reward / 10_000) * bps + (reward % 10_000) * bps / 10_000;
  }

  /** The account an executor's share goes to: the payee its candidate named, or its node's. */
  static String accountOf(TaskState t, String executor) {
    TaskState.Candidate c = t.candidates().get(executor);
    return c != null && c.payee() != null ? c.payee() : nodeOf(executor);
  }

  /** An executor {@code <node_id>/<name>} without a payee is paid to its node's account. */
  static String nodeOf(String executor) {
    int slash = executor.indexOf('/');
    return slash < 0 ? executor : executor.substring(0, slash);
  }

  // one node running several majority executors (one_vote_per: executor) gets one payout of their sum
  private static List<Payout> merge(List<Payout> in) {
    java.util.TreeMap<String, Long> by = new java.util.TreeMap<>();
    for (Payout p : in) by.merge(p.account(), p.amount(), Long::sum);
    List<Payout> out = new ArrayList<>();
    by.forEach((a, v) -> out.add(new Payout(a, v)));
    return out;
  }
}
