package dev.wattswarm.kernel.task;

import static dev.wattswarm.kernel.task.TaskRejection.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The task lifecycle as a pure function: (state, fact) -> new state or a rejection. No clock, no
 * I/O: deadlines are judged by the fact's own timestamp, so every node that applies the same
 * events in the same order computes the same state, and a replay reproduces it exactly.
 * {@link TaskFold} supplies that order: the same for every node that holds the same events.
 *
 * <p>Authority: the coordinator (author of {@code task.created}) alone creates, decides,
 * finalizes, schedules retries, expires, cancels and fails a task; every other fact names an
 * executor ({@code <node_id>/<name>}) and must be authored by that executor's node. Once a task is
 * terminal it accepts nothing, so two finalizations cannot both stand.
 */
public final class TaskStateMachine {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
  private static final Set<String> VERDICTS = Set.of("passed", "failed", "inconclusive");
  /** Bids one attempt keeps; later ones are refused (the fold order makes "later" the same everywhere). */
  static final int MAX_BIDS = 64;

  private TaskStateMachine() {}

  /** @param state the task's current state, or null if the log has not created it */
  public static TaskTransition apply(TaskState state, TaskFact f) {
    if (f.type().equals(TaskEventTypes.CREATED)) return created(state, f);
    if (state == null) return reject(UNKNOWN_TASK, "no task.created for this task has been applied");
    if (state.phase.terminal()) {
      return reject(TERMINAL, "task is " + state.phase.wire() + "; a terminal task accepts nothing more");
    }
    TaskState s = state.copy();
    TaskTransition t = switch (f.type()) {
      case TaskEventTypes.CLAIMED -> claimed(s, f);
      case TaskEventTypes.ASSIGNED -> assigned(s, f);
      case TaskEventTypes.LEASE_RENEWED -> renewed(s, f);
      case TaskEventTypes.RELEASED -> released(s, f);
      case TaskEventTypes.CANDIDATE_PROPOSED -> proposed(s, f);
      case TaskEventTypes.EVIDENCE_ADDED -> evidence(s, f);
      case TaskEventTypes.VERIFIER_RESULT -> verified(s, f);
      case TaskEventTypes.VOTE_COMMITTED -> committed(s, f);
      case TaskEventTypes.VOTE_REVEALED -> revealed(s, f);
      case TaskEventTypes.DECISION_COMMITTED -> decided(s, f);
      case TaskEventTypes.FINALIZED -> finalized(s, f);
      case TaskEventTypes.ERROR -> error(s, f);
      case TaskEventTypes.RETRY_SCHEDULED -> retry(s, f);
      case TaskEventTypes.EXPIRED -> expired(s, f);
      case TaskEventTypes.CANCELLED -> coordinatorEnds(s, f, TaskPhase.CANCELLED);
      default -> reject(BAD_PAYLOAD, "'" + f.type() + "' is not a task event");
    };
    if (t.accepted()) {
      t.state().updatedAtMs = Math.max(t.state().updatedAtMs, f.atMs());
      t.state().events++;
    }
    return t;
  }

  private static TaskTransition created(TaskState state, TaskFact f) {
    if (state != null) return reject(DUPLICATE_TASK, "task " + state.taskId() + " already exists");
    TaskSpec spec;
    try {
      spec = TaskSpec.parse(f.payload());
    } catch (TaskValidationException e) {
      return reject(BAD_PAYLOAD, e.getMessage());
    }
    TaskState s = new TaskState();
    s.spec = spec;
    s.coordinator = f.author();
    s.createdAtMs = f.atMs();
    s.expiresAtMs = f.atMs() + spec.expiresInMs();
    s.updatedAtMs = f.atMs();
    s.events = 1;
    return TaskTransition.ok(s);
  }

  /**
   * A claim from the coordinator's own node takes a slot at once (the coordinator's lane orders
   * them); from any other node it is only a bid. Executors on many nodes race for the same task,
   * and letting the first claim each node happens to see win made nodes disagree on who won.
   */
  private static TaskTransition claimed(TaskState s, TaskFact f) {
    String ex = executor(f, "executor");
    if (ex == null) return reject(BAD_PAYLOAD, "claim needs \"executor\": \"<node_id>/<name>\"");
    if (!Votes.ownedBy(ex, f.author())) return notOwner(ex, f);
    if (!s.spec.mayExecute(f.author())) return notMember(s, f);
    if (f.atMs() > s.expiresAtMs) return reject(EXPIRED, "claim at " + f.atMs() + " is after the task expired at " + s.expiresAtMs);
    if (!s.spec.capability().isEmpty()) {
      boolean has = false;
      for (JsonNode c : f.payload().path("capabilities")) has |= c.asText().equals(s.spec.capability());
      if (!has) return reject(CAPABILITY_MISMATCH, ex + " does not offer capability '" + s.spec.capability() + "'");
    }
    if (f.author().equals(s.coordinator)) return takeSlot(s, ex, f);
    if (!slotsOpen(s)) return s.phase == TaskPhase.CLAIMED ? reject(NO_SLOT, "all " + s.spec.executors() + " executor slots are taken")
        : wrongPhase(s, f);
    if (s.claims.containsKey(ex) || s.bids.containsKey(ex)) return reject(ALREADY_CLAIMED, ex + " already bid on this attempt");
    if (s.bids.size() >= MAX_BIDS) return reject(QUOTA, "this attempt already has " + MAX_BIDS + " bids");
    s.bids.put(ex, f.atMs());
    return TaskTransition.ok(s);
  }

  /** The coordinator gives a slot to a bidder; which bidder is its signed choice. */
  private static TaskTransition assigned(TaskState s, TaskFact f) {
    if (!f.author().equals(s.coordinator)) return notCoordinator(f);
    String ex = executor(f, "executor");
    if (ex == null) return reject(BAD_PAYLOAD, "assignment needs \"executor\"");
    if (!s.bids.containsKey(ex)) return reject(NO_BID, ex + " did not bid on attempt " + s.attempt);
    if (f.atMs() > s.expiresAtMs) return reject(EXPIRED, "assignment at " + f.atMs() + " is after the task expired at " + s.expiresAtMs);
    return takeSlot(s, ex, f);
  }

  private static boolean slotsOpen(TaskState s) {
    return s.phase == TaskPhase.OPEN || s.phase == TaskPhase.RETRY_WAIT
        || (s.phase == TaskPhase.CLAIMED && s.claims.size() < s.spec.executors());
  }

  private static TaskTransition takeSlot(TaskState s, String ex, TaskFact f) {
    if (s.claims.containsKey(ex)) return reject(ALREADY_CLAIMED, ex + " already holds a claim on this attempt");
    if (!slotsOpen(s)) {
      return s.phase == TaskPhase.CLAIMED ? reject(NO_SLOT, "all " + s.spec.executors() + " executor slots are taken")
          : wrongPhase(s, f);
    }
    if (s.phase == TaskPhase.RETRY_WAIT && f.atMs() < s.notBeforeMs) {
      return reject(TOO_EARLY, "retry opens at " + s.notBeforeMs);
    }
    if (s.spec.votePer() == TaskSpec.VotePer.NODE) {
      String node = Votes.nodeOf(ex);
      for (String held : s.claims.keySet()) {
        if (Votes.nodeOf(held).equals(node)) {
          return reject(NODE_HAS_SLOT, "node " + node + " already holds a slot (" + held + "); this task counts one vote per node");
        }
      }
    }
    s.bids.remove(ex);
    s.claims.put(ex, f.atMs() + s.spec.leaseMs());
    s.phase = TaskPhase.CLAIMED;
    return TaskTransition.ok(s);
  }

  private static TaskTransition renewed(TaskState s, TaskFact f) {
    String ex = executor(f, "executor");
    if (ex == null) return reject(BAD_PAYLOAD, "lease renewal needs \"executor\"");
    if (!Votes.ownedBy(ex, f.author())) return notOwner(ex, f);
    if (!s.claims.containsKey(ex)) return reject(NOT_CLAIMED, ex + " holds no claim to renew");
    s.claims.merge(ex, f.atMs() + s.spec.leaseMs(), Math::max);
    return TaskTransition.ok(s);
  }

  /**
   * Only the coordinator frees a slot. An executor's own facts never move a task backwards, so a
   * late-arriving one can never invalidate a decision the coordinator already signed.
   */
  private static TaskTransition released(TaskState s, TaskFact f) {
    String ex = executor(f, "executor");
    if (ex == null) return reject(BAD_PAYLOAD, "release needs \"executor\"");
    if (!f.author().equals(s.coordinator)) return notCoordinator(f);
    if (!s.claims.containsKey(ex)) return reject(NOT_CLAIMED, ex + " holds no claim to release");
    if (s.phase != TaskPhase.CLAIMED) return wrongPhase(s, f);
    s.claims.remove(ex);
    s.candidates.remove(ex);
    if (s.claims.isEmpty()) s.phase = TaskPhase.OPEN;
    return TaskTransition.ok(s);
  }

  private static TaskTransition proposed(TaskState s, TaskFact f) {
    String ex = executor(f, "executor");
    if (ex == null) return reject(BAD_PAYLOAD, "candidate needs \"executor\"");
    if (!Votes.ownedBy(ex, f.author())) return notOwner(ex, f);
    if (!s.spec.mayExecute(f.author())) return notMember(s, f);
    if (!s.claims.containsKey(ex)) return reject(NOT_CLAIMED, ex + " proposed a result for a task it never claimed");
    if (s.phase != TaskPhase.CLAIMED) return wrongPhase(s, f);
    if (s.candidates.containsKey(ex)) return reject(ALREADY_PROPOSED, ex + " already proposed a candidate this attempt");
    JsonNode out = f.payload().get("output");
    if (out == null || out.isNull()) return reject(BAD_PAYLOAD, "candidate needs \"output\"");
    String hash = Votes.candidateHash(out);
    String claimed = f.payload().path("candidate_hash").asText(hash);
    if (!claimed.equals(hash)) return reject(BAD_PAYLOAD, "candidate_hash does not match the output");
    String payee = payee(f);
    if (BAD.equals(payee)) return reject(BAD_PAYLOAD, "payee must be an agent or node id (z... did:key form)");
    s.candidates.put(ex, new TaskState.Candidate(hash, out, payee));
    if (s.spec.profile() == Profile.QUORUM && s.candidates.size() == s.spec.executors()) {
      s.phase = TaskPhase.VOTING;
      s.commitDeadlineMs = f.atMs() + s.spec.voteWindowMs();
      s.revealDeadlineMs = s.commitDeadlineMs + s.spec.revealWindowMs();
    }
    return TaskTransition.ok(s);
  }

  private static TaskTransition evidence(TaskState s, TaskFact f) {
    String ex = executor(f, "executor");
    if (ex == null) return reject(BAD_PAYLOAD, "evidence needs \"executor\"");
    if (!Votes.ownedBy(ex, f.author())) return notOwner(ex, f);
    if (!s.claims.containsKey(ex)) return reject(NOT_PARTICIPANT, ex + " is not taking part in this attempt");
    String hash = f.payload().path("candidate_hash").asText();
    if (!isCandidate(s, hash)) return reject(UNKNOWN_CANDIDATE, "no candidate " + abbrev(hash) + " in this attempt");
    s.evidence.merge(hash, 1, Integer::sum);
    return TaskTransition.ok(s);
  }

  private static TaskTransition verified(TaskState s, TaskFact f) {
    String v = executor(f, "verifier");
    if (v == null) return reject(BAD_PAYLOAD, "verifier result needs \"verifier\"");
    if (!Votes.ownedBy(v, f.author())) return notOwner(v, f);
    if (!s.claims.containsKey(v)) return reject(NOT_PARTICIPANT, v + " is not taking part in this attempt");
    if (s.phase != TaskPhase.VOTING && s.phase != TaskPhase.CLAIMED) return wrongPhase(s, f);
    String hash = f.payload().path("candidate_hash").asText();
    if (!isCandidate(s, hash)) return reject(UNKNOWN_CANDIDATE, "no candidate " + abbrev(hash) + " in this attempt");
    String verdict = f.payload().path("verdict").asText();
    if (!VERDICTS.contains(verdict)) return reject(BAD_PAYLOAD, "verdict must be passed, failed or inconclusive");
    if (s.verdicts.putIfAbsent(v + "|" + hash, verdict) != null) {
      return reject(ALREADY_RECORDED, v + " already judged candidate " + abbrev(hash));
    }
    return TaskTransition.ok(s);
  }

  private static TaskTransition committed(TaskState s, TaskFact f) {
    String voter = executor(f, "voter");
    if (voter == null) return reject(BAD_PAYLOAD, "vote commit needs \"voter\"");
    if (!Votes.ownedBy(voter, f.author())) return notOwner(voter, f);
    if (!s.candidates.containsKey(voter)) return reject(NOT_PARTICIPANT, voter + " proposed no candidate, so it has no vote");
    if (s.phase != TaskPhase.VOTING) return s.phase == TaskPhase.REVEALING
        ? reject(COMMIT_TOO_LATE, "the commit phase is over") : wrongPhase(s, f);
    if (f.atMs() > s.commitDeadlineMs) return reject(COMMIT_TOO_LATE, "commit at " + f.atMs() + " is after the deadline " + s.commitDeadlineMs);
    String commit = f.payload().path("commit").asText();
    if (!HEX64.matcher(commit).matches()) return reject(BAD_PAYLOAD, "commit must be 64 lower-case hex characters");
    if (s.commits.containsKey(voter)) return reject(ALREADY_RECORDED, voter + " already committed a vote");
    s.commits.put(voter, commit);
    if (s.commits.size() == s.candidates.size()) s.phase = TaskPhase.REVEALING;
    return TaskTransition.ok(s);
  }

  private static TaskTransition revealed(TaskState s, TaskFact f) {
    String voter = executor(f, "voter");
    if (voter == null) return reject(BAD_PAYLOAD, "vote reveal needs \"voter\"");
    if (!Votes.ownedBy(voter, f.author())) return notOwner(voter, f);
    if (s.phase != TaskPhase.VOTING && s.phase != TaskPhase.REVEALING) return wrongPhase(s, f);
    String commit = s.commits.get(voter);
    if (commit == null) return reject(NOT_COMMITTED, voter + " committed no vote, so it has nothing to reveal");
    if (s.phase == TaskPhase.VOTING && f.atMs() <= s.commitDeadlineMs) {
      return reject(TOO_EARLY, "reveals open when every commit is in or at " + s.commitDeadlineMs);
    }
    if (f.atMs() > s.revealDeadlineMs) return reject(REVEAL_TOO_LATE, "reveal at " + f.atMs() + " is after the deadline " + s.revealDeadlineMs);
    if (s.reveals.containsKey(voter)) return reject(ALREADY_RECORDED, voter + " already revealed");
    String hash = f.payload().path("candidate_hash").asText();
    String salt = f.payload().path("salt").asText();
    if (!Votes.commitment(hash, salt).equals(commit)) {
      return reject(REVEAL_MISMATCH, "the revealed vote and salt do not hash to " + voter + "'s commitment");
    }
    if (!isCandidate(s, hash)) return reject(UNKNOWN_CANDIDATE, "no candidate " + abbrev(hash) + " in this attempt");
    s.reveals.put(voter, hash);
    s.phase = TaskPhase.REVEALING;
    return TaskTransition.ok(s);
  }

  private static TaskTransition decided(TaskState s, TaskFact f) {
    if (!f.author().equals(s.coordinator)) return notCoordinator(f);
    if (s.spec.profile() != Profile.QUORUM || s.phase != TaskPhase.REVEALING) return wrongPhase(s, f);
    String hash = f.payload().path("candidate_hash").asText();
    int votes = s.tally().getOrDefault(hash, 0);
    if (votes < s.spec.threshold()) {
      return reject(NO_QUORUM, "candidate " + abbrev(hash) + " has " + votes + " revealed votes, " + s.spec.threshold() + " needed");
    }
    s.decision = hash;
    s.phase = TaskPhase.DECIDED;
    return TaskTransition.ok(s);
  }

  private static TaskTransition finalized(TaskState s, TaskFact f) {
    if (!f.author().equals(s.coordinator)) return notCoordinator(f);
    if (f.payload().has("output")) return finalizedDirectly(s, f);
    String hash = f.payload().path("candidate_hash").asText();
    if (s.spec.profile() == Profile.QUORUM) {
      if (s.phase != TaskPhase.DECIDED) return wrongPhase(s, f);
      if (!hash.equals(s.decision)) return reject(CONFLICTING_DECISION, "finalizing " + abbrev(hash) + " but the decision is " + abbrev(s.decision));
    } else if (s.phase != TaskPhase.CLAIMED) {
      return wrongPhase(s, f);
    }
    for (var e : s.candidates.entrySet()) {
      if (e.getValue().hash().equals(hash)) {
        s.result = new TaskState.Result(e.getKey(), hash, e.getValue().output());
        s.phase = TaskPhase.FINALIZED;
        return TaskTransition.ok(s);
      }
    }
    return reject(UNKNOWN_CANDIDATE, "no candidate " + abbrev(hash) + " in this attempt");
  }

  /**
   * A fast task whose coordinator ran it on one of its own executors: one signed fact stands for
   * claim, candidate and finalization. Only the coordinator's own executors may (it vouches for
   * them as it does for their claims), under the same slot rules as a claim; everyone else still
   * goes through bid, assignment and candidate.
   */
  private static TaskTransition finalizedDirectly(TaskState s, TaskFact f) {
    if (s.spec.profile() != Profile.FAST) return reject(BAD_PAYLOAD, "only a fast task is finalized with its output");
    String ex = executor(f, "executor");
    if (ex == null) return reject(BAD_PAYLOAD, "a finalization with an output needs \"executor\"");
    if (!Votes.ownedBy(ex, f.author())) return notOwner(ex, f);
    if (!s.spec.mayExecute(f.author())) return notMember(s, f);
    if (f.atMs() > s.expiresAtMs) return reject(EXPIRED, "finalization at " + f.atMs() + " is after the task expired at " + s.expiresAtMs);
    JsonNode out = f.payload().get("output");
    if (out == null || !out.isObject() || out.isEmpty()) return reject(BAD_PAYLOAD, "output must be a non-empty object");
    String hash = Votes.candidateHash(out);
    if (!f.payload().path("candidate_hash").asText(hash).equals(hash)) return reject(BAD_PAYLOAD, "candidate_hash does not match the output");
    if (s.candidates.containsKey(ex)) return reject(ALREADY_PROPOSED, ex + " already proposed a candidate this attempt");
    if (!s.claims.containsKey(ex)) {
      TaskTransition slot = takeSlot(s, ex, f);
      if (!slot.accepted()) return slot;
    }
    String payee = payee(f);
    if (BAD.equals(payee)) return reject(BAD_PAYLOAD, "payee must be an agent or node id (z... did:key form)");
    s.candidates.put(ex, new TaskState.Candidate(hash, out, payee));
    s.result = new TaskState.Result(ex, hash, out);
    s.phase = TaskPhase.FINALIZED;
    return TaskTransition.ok(s);
  }

  private static TaskTransition error(TaskState s, TaskFact f) {
    String message = f.payload().path("message").asText("unspecified error");
    if (f.payload().path("terminal").asBoolean(false)) {
      if (!f.author().equals(s.coordinator)) return notCoordinator(f);
      s.phase = TaskPhase.FAILED;
      s.lastError = message;
      s.errorCount++;
      return TaskTransition.ok(s);
    }
    String ex = executor(f, "executor");
    if (ex == null) return reject(BAD_PAYLOAD, "an executor error needs \"executor\" (or \"terminal\": true from the coordinator)");
    if (!Votes.ownedBy(ex, f.author())) return notOwner(ex, f);
    if (!s.claims.containsKey(ex)) return reject(NOT_CLAIMED, ex + " reported an error on a task it never claimed");
    // recorded only: the coordinator answers it with a signed retry or release
    s.errorCount++;
    s.lastError = ex + ": " + message;
    return TaskTransition.ok(s);
  }

  private static TaskTransition retry(TaskState s, TaskFact f) {
    if (!f.author().equals(s.coordinator)) return notCoordinator(f);
    int next = f.payload().path("attempt").asInt(-1);
    if (next != s.attempt + 1) return reject(BAD_ATTEMPT, "retry must name attempt " + (s.attempt + 1) + ", named " + next);
    if (s.attempt > s.spec.maxRetries()) return reject(RETRIES_EXHAUSTED, "all " + s.spec.maxRetries() + " retries are used");
    s.resetRound();
    s.attempt = next;
    s.notBeforeMs = Math.max(f.atMs(), f.payload().path("not_before_ms").asLong(f.atMs()));
    s.phase = TaskPhase.RETRY_WAIT;
    s.lastError = f.payload().path("reason").asText(s.lastError);
    return TaskTransition.ok(s);
  }

  /** The coordinator expires its task; anyone may once the sweep grace has passed too. */
  private static TaskTransition expired(TaskState s, TaskFact f) {
    if (!f.author().equals(s.coordinator) && f.atMs() < s.expiresAtMs + s.spec.sweepGraceMs()) {
      return reject(NOT_COORDINATOR, "only the coordinator may expire the task before " + (s.expiresAtMs + s.spec.sweepGraceMs()));
    }
    s.phase = TaskPhase.EXPIRED;
    String reason = f.payload().path("reason").asText("");
    if (!reason.isEmpty()) s.lastError = reason;
    return TaskTransition.ok(s);
  }

  private static TaskTransition coordinatorEnds(TaskState s, TaskFact f, TaskPhase end) {
    if (!f.author().equals(s.coordinator)) return notCoordinator(f);
    s.phase = end;
    String reason = f.payload().path("reason").asText("");
    if (!reason.isEmpty()) s.lastError = reason;
    return TaskTransition.ok(s);
  }

  private static boolean isCandidate(TaskState s, String hash) {
    for (TaskState.Candidate c : s.candidates.values()) if (c.hash().equals(hash)) return true;
    return false;
  }

  private static String executor(TaskFact f, String field) {
    JsonNode v = f.payload().get(field);
    return v != null && v.isTextual() && !v.asText().isEmpty() ? v.asText() : null;
  }

  private static String abbrev(String hash) {
    return hash == null || hash.length() < 12 ? String.valueOf(hash) : hash.substring(0, 12);
  }

  private static TaskTransition notOwner(String ex, TaskFact f) {
    return reject(NOT_OWNER, "executor " + ex + " does not belong to the node that signed this event");
  }

  private static TaskTransition notCoordinator(TaskFact f) {
    return reject(NOT_COORDINATOR, f.type() + " may only come from the task's coordinator");
  }

  private static TaskTransition notMember(TaskState s, TaskFact f) {
    return reject(NOT_HIVE_MEMBER, "node " + f.author() + " is not a member of hive " + s.spec.hive()
        + " this task was posted to; only its " + s.spec.hiveMembers().size() + " listed members take part");
  }

  private static final String BAD = "\0bad";

  /**
   * The account the executor's node asks its share to be paid into: its own affair (as a transfer
   * would be), so only the form is checked. Null when absent, {@link #BAD} when malformed.
   */
  private static String payee(TaskFact f) {
    JsonNode p = f.payload().get("payee");
    if (p == null || p.isNull()) return null;
    if (!p.isTextual()) return BAD;
    try {
      return dev.wattswarm.kernel.identity.NodeId.parse(p.asText()).toString().equals(p.asText()) ? p.asText() : BAD;
    } catch (IllegalArgumentException e) {
      return BAD;
    }
  }

  private static TaskTransition wrongPhase(TaskState s, TaskFact f) {
    return reject(WRONG_PHASE, f.type() + " does not apply while the task is " + s.phase.wire());
  }

  private static TaskTransition reject(TaskRejection r, String message) {
    return TaskTransition.reject(r, message);
  }
}
