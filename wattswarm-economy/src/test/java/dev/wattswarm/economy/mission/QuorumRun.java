package dev.wattswarm.economy.mission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.task.TaskEventTypes;
import dev.wattswarm.kernel.task.TaskFact;
import dev.wattswarm.kernel.task.TaskState;
import dev.wattswarm.kernel.task.TaskStateMachine;
import dev.wattswarm.kernel.task.TaskTransition;
import dev.wattswarm.kernel.task.Votes;
import java.util.List;
import java.util.Map;

/**
 * Drives a quorum task through the real state machine, from creation to finalization: each
 * executor (on its own node) bids, is assigned, proposes its output with an optional payee,
 * commits and reveals its vote; the coordinator decides and finalizes.
 */
final class QuorumRun {
  static final String COORD = "coordinator";
  private TaskState s;
  private long at = 1_000;

  QuorumRun(int executors, long reward) {
    ObjectNode spec = CanonicalJson.object().put("task_id", "q").put("profile", "quorum").put("reward", reward)
        .put("vote_window_ms", 60_000).put("reveal_window_ms", 60_000).put("expires_in_ms", 3_600_000);
    spec.putObject("inputs").put("prompt", "agree");
    spec.putObject("quorum").put("executors", executors);
    apply(COORD, TaskEventTypes.CREATED, spec);
  }

  static String node(String executor) {
    return executor.substring(0, executor.indexOf('/'));
  }

  /**
   * @param outputs executor to its output, in any order
   * @param payees executor to the account it names (absent: none)
   * @param votes executor to the output it votes for
   * @param decision the output the coordinator decides on (must have a majority)
   */
  TaskState run(Map<String, JsonNode> outputs, Map<String, String> payees, Map<String, JsonNode> votes, JsonNode decision) {
    for (String ex : outputs.keySet()) {
      apply(node(ex), TaskEventTypes.CLAIMED, CanonicalJson.object().put("executor", ex));
      apply(COORD, TaskEventTypes.ASSIGNED, CanonicalJson.object().put("executor", ex));
    }
    for (var e : outputs.entrySet()) {
      ObjectNode p = CanonicalJson.object().put("executor", e.getKey());
      p.set("output", e.getValue());
      if (payees.containsKey(e.getKey())) p.put("payee", payees.get(e.getKey()));
      apply(node(e.getKey()), TaskEventTypes.CANDIDATE_PROPOSED, p);
    }
    for (var e : votes.entrySet()) {
      apply(node(e.getKey()), TaskEventTypes.VOTE_COMMITTED, CanonicalJson.object().put("voter", e.getKey())
          .put("commit", Votes.commitment(Votes.candidateHash(e.getValue()), "salt-" + e.getKey())));
    }
    for (var e : votes.entrySet()) {
      apply(node(e.getKey()), TaskEventTypes.VOTE_REVEALED, CanonicalJson.object().put("voter", e.getKey())
          .put("candidate_hash", Votes.candidateHash(e.getValue())).put("salt", "salt-" + e.getKey()));
    }
    String hash = Votes.candidateHash(decision);
    apply(COORD, TaskEventTypes.DECISION_COMMITTED, CanonicalJson.object().put("candidate_hash", hash));
    apply(COORD, TaskEventTypes.FINALIZED, CanonicalJson.object().put("candidate_hash", hash));
    return s;
  }

  private void apply(String author, String type, JsonNode payload) {
    TaskTransition t = TaskStateMachine.apply(s, new TaskFact(type, author, at++, payload));
    if (!t.accepted()) throw new AssertionError(type + " by " + author + " refused: " + t.rejection() + " " + t.message());
    s = t.state();
  }

  static List<String> sortedKeys(Map<String, ?> m) {
    return m.keySet().stream().sorted().toList();
  }
}
