package dev.wattswarm.kernel.task;

import static dev.wattswarm.kernel.task.TaskEventTypes.*;
import static dev.wattswarm.kernel.task.TaskRejection.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.task.TaskValidationException.FieldError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The task lifecycle, event by event. Every accepted or rejected event also checks that the input
 * state was left untouched (see {@link #ok} and {@link #rejects}).
 *
 * <p>A claim from a node other than the coordinator's is only a bid; the coordinator's
 * {@code task.assigned} turns it into a slot ({@link #take}). The coordinator's own executors
 * ({@code COORD/...}) claim a slot directly.
 */
class TaskStateMachineTest {
  static final String COORD = "z6MkCOORD", A = "z6MkNODEA", B = "z6MkNODEB", C = "z6MkNODEC", D = "z6MkNODED";
  static final String EA = A + "/rules-1", EB = B + "/rules-1", EC = C + "/rules-1", ED = D + "/rules-1";
  /** A second executor on node A, and two of the coordinator's own executors. */
  static final String EA2 = A + "/rules-2", EK = COORD + "/local-1", EK2 = COORD + "/local-2";
  static final long T0 = 1_000_000L, LEASE = 10_000L, EXPIRES = 60_000L, VOTE = 1_000L, REVEAL = 2_000L;
  static final JsonNode GOOD = json("{'answer':42,'note':'ok'}"), FAULTY = json("{'answer':41}");
  static final String H_GOOD = Votes.candidateHash(GOOD), H_FAULTY = Votes.candidateHash(FAULTY);
  /** Time of the last (third) quorum candidate, the commit deadline and the reveal deadline. */
  static final long P = T0 + 120, CD = P + VOTE, RD = CD + REVEAL;

  // ---------------------------------------------------------------- helpers

  /** JSON written with single quotes, to keep the literals readable. */
  static JsonNode json(String s) { return CanonicalJson.parse(s.replace('\'', '"')); }

  /** An object from alternating keys and values (String, Integer, Long, Boolean or JsonNode). */
  static ObjectNode obj(Object... kv) {
    ObjectNode o = CanonicalJson.object();
    for (int i = 0; i < kv.length; i += 2) {
      String k = (String) kv[i];
      switch (kv[i + 1]) {
        case String v -> o.put(k, v);
        case Integer v -> o.put(k, v);
        case Long v -> o.put(k, v);
        case Boolean v -> o.put(k, v);
        default -> o.set(k, (JsonNode) kv[i + 1]);
      }
    }
    return o;
  }

  static TaskFact fact(String type, String author, long at, JsonNode payload) { return new TaskFact(type, author, at, payload); }
  static TaskFact coord(String type, long at, JsonNode payload) { return fact(type, COORD, at, payload); }
  static String node(String executor) { return executor.substring(0, executor.indexOf('/')); }
  /** A claim signed by the executor's node: a bid unless that node is the coordinator's. */
  static TaskFact claim(String ex, long at) { return fact(CLAIMED, node(ex), at, obj("executor", ex)); }
  static TaskFact assign(String ex, long at) { return coord(ASSIGNED, at, obj("executor", ex)); }

  /** A remote executor gets a slot: it bids at {@code at}, the coordinator assigns it at {@code at}. */
  static TaskState take(TaskState s, String ex, long at) {
    TaskState bid = ok(s, claim(ex, at));
    assertThat(bid.bids()).containsKey(ex);
    assertThat(bid.claims()).doesNotContainKey(ex);
    TaskState taken = ok(bid, assign(ex, at));
    assertThat(taken.bids()).doesNotContainKey(ex);
    assertThat(taken.claims()).containsEntry(ex, at + LEASE);
    return taken;
  }

  static TaskFact propose(String ex, long at, JsonNode output) {
    return fact(CANDIDATE_PROPOSED, node(ex), at, obj("executor", ex, "output", output));
  }

  static TaskFact verdict(String ex, long at, String hash, String verdict) {
    return fact(VERIFIER_RESULT, node(ex), at, obj("verifier", ex, "candidate_hash", hash, "verdict", verdict));
  }

  static TaskFact commit(String ex, long at, String hash, String salt) {
    return fact(VOTE_COMMITTED, node(ex), at, obj("voter", ex, "commit", Votes.commitment(hash, salt)));
  }

  static TaskFact reveal(String ex, long at, String hash, String salt) {
    return fact(VOTE_REVEALED, node(ex), at, obj("voter", ex, "candidate_hash", hash, "salt", salt));
  }

  /** Applies an event that must be accepted; checks the input state was not touched. */
  static TaskState ok(TaskState s, TaskFact f) {
    JsonNode before = s == null ? null : s.toJson().deepCopy();
    TaskTransition t = TaskStateMachine.apply(s, f);
    assertThat(t.rejection()).as("%s rejected: %s", f.type(), t.message()).isNull();
    assertThat(t.state()).isNotNull().isNotSameAs(s);
    if (s != null) assertThat(s.toJson()).as("input state mutated by %s", f.type()).isEqualTo(before);
    return t.state();
  }

  /** Applies an event that must be rejected for {@code reason}; checks the state was not touched. */
  static TaskTransition rejects(TaskState s, TaskFact f, TaskRejection reason) {
    JsonNode before = s == null ? null : s.toJson().deepCopy();
    TaskTransition t = TaskStateMachine.apply(s, f);
    assertThat(t.rejection()).as("%s: %s", f.type(), t.message()).isEqualTo(reason);
    assertThat(t.accepted()).isFalse();
    assertThat(t.state()).isNull();
    assertThat(t.message()).isNotBlank();
    if (s != null) assertThat(s.toJson()).as("input state mutated by rejected %s", f.type()).isEqualTo(before);
    return t;
  }

  static ObjectNode fastSpec() {
    return (ObjectNode) json("{'task_id':'t-fast','inputs':{'prompt':'hello'},'lease_ms':" + LEASE
        + ",'expires_in_ms':" + EXPIRES + "}");
  }

  static ObjectNode quorumSpec() {
    return fastSpec().put("task_id", "t-quorum").put("profile", "quorum").put("vote_window_ms", VOTE)
        .put("reveal_window_ms", REVEAL);
  }

  static TaskState created(JsonNode spec) { return ok(null, coord(CREATED, T0, spec)); }
  static TaskState fastClaimed() { return take(created(fastSpec()), EA, T0 + 10); }
  static TaskState fastProposed() { return ok(fastClaimed(), propose(EA, T0 + 20, GOOD)); }

  static TaskState quorumClaimed() {
    return take(take(take(created(quorumSpec()), EA, T0 + 10), EB, T0 + 20), EC, T0 + 30);
  }

  /** Three candidates, two agreeing; the last one, at {@link #P}, opens the vote. */
  static TaskState quorumVoting() {
    return ok(ok(ok(quorumClaimed(), propose(EA, T0 + 100, GOOD)), propose(EB, T0 + 110, GOOD)), propose(EC, P, FAULTY));
  }

  static TaskState quorumRevealing() {
    TaskState s = ok(quorumVoting(), commit(EA, P + 10, H_GOOD, "salt-a"));
    return ok(ok(s, commit(EB, P + 20, H_GOOD, "salt-b")), commit(EC, P + 30, H_FAULTY, "salt-c"));
  }

  static TaskState quorumRevealed() {
    TaskState s = ok(quorumRevealing(), reveal(EA, P + 40, H_GOOD, "salt-a"));
    return ok(ok(s, reveal(EB, P + 50, H_GOOD, "salt-b")), reveal(EC, P + 60, H_FAULTY, "salt-c"));
  }

  static TaskState quorumDecided() {
    return ok(quorumRevealed(), coord(DECISION_COMMITTED, P + 100, obj("candidate_hash", H_GOOD)));
  }

  static void assertRoundTrips(TaskState s) {
    ObjectNode doc = s.toJson();
    TaskState back = TaskState.fromJson(CanonicalJson.parse(CanonicalJson.encode(doc)));
    assertThat(CanonicalJson.encodeString(back.toJson())).isEqualTo(CanonicalJson.encodeString(doc));
    assertThat(back.phase()).isEqualTo(s.phase());
  }

  /** The fields a spec document is rejected for. */
  static List<String> fields(String spec) {
    try {
      TaskSpec.parse(json(spec));
    } catch (TaskValidationException e) {
      return e.errors().stream().map(FieldError::field).toList();
    }
    throw new AssertionError("expected a TaskValidationException for " + spec);
  }

  // ---------------------------------------------------------------- task.created
  @Test
  void createsAFastTaskWithDefaultsFilledIn() {
    TaskState s = created(fastSpec());
    assertThat(s).extracting(TaskState::phase, TaskState::taskId, TaskState::coordinator, TaskState::createdAtMs,
        TaskState::expiresAtMs, TaskState::attempt).containsExactly(TaskPhase.OPEN, "t-fast", COORD, T0, T0 + EXPIRES, 1);
    assertThat(s.claims()).isEmpty();
    assertThat(s.spec()).extracting(TaskSpec::profile, TaskSpec::executors, TaskSpec::threshold, TaskSpec::taskType,
        TaskSpec::capability, TaskSpec::maxRetries, TaskSpec::voteWindowMs, TaskSpec::scope)
        .containsExactly(Profile.FAST, 1, 1, "swarm", "", 2, 5_000L, Scope.GLOBAL);
    assertThat(s.toJson().path("events").asInt()).isEqualTo(1);
  }

  @Test
  void createsAQuorumTaskWithThreeExecutorsAndAMajorityThreshold() {
    TaskState s = created(quorumSpec());
    assertThat(s.phase()).isEqualTo(TaskPhase.OPEN);
    assertThat(s.spec()).extracting(TaskSpec::profile, TaskSpec::executors, TaskSpec::threshold, TaskSpec::voteWindowMs)
        .containsExactly(Profile.QUORUM, 3, 2, VOTE);
    assertThat(s.spec().toJson().path("quorum")).isEqualTo(json("{'executors':3,'threshold':2}"));
  }

  @Test
  void aSecondCreatedIsADuplicate() {
    rejects(created(fastSpec()), coord(CREATED, T0 + 1, fastSpec()), DUPLICATE_TASK);
  }

  @Test
  void aBadSpecOrAnUnknownEventTypeIsABadPayload() {
    ObjectNode spec = fastSpec().put("lease_ms", -1);
    assertThat(rejects(null, coord(CREATED, T0, spec), BAD_PAYLOAD).message()).contains("lease_ms");
    rejects(null, coord(CREATED, T0, json("[1,2]")), BAD_PAYLOAD);
    rejects(created(fastSpec()), coord("task.bogus", T0 + 1, obj()), BAD_PAYLOAD);
  }

  @Test
  void everyOtherEventBeforeCreatedIsAnUnknownTask() {
    for (String type : ALL) {
      if (!type.equals(CREATED)) rejects(null, fact(type, COORD, T0, obj("executor", EA)), UNKNOWN_TASK);
    }
  }

  // ---------------------------------------------------------------- fast profile
  @Test
  void fastHappyPathClaimProposeFinalize() {
    TaskState s = fastClaimed();
    assertThat(s.phase()).isEqualTo(TaskPhase.CLAIMED);
    assertThat(s.claims()).containsExactly(Map.entry(EA, T0 + 10 + LEASE));
    s = ok(s, propose(EA, T0 + 20, GOOD));
    assertThat(s.phase()).isEqualTo(TaskPhase.CLAIMED);
    assertThat(s.candidates()).containsExactly(Map.entry(EA, new TaskState.Candidate(H_GOOD, GOOD)));
    s = ok(s, coord(FINALIZED, T0 + 30, obj("candidate_hash", H_GOOD)));
    assertThat(s.phase()).isEqualTo(TaskPhase.FINALIZED);
    assertThat(s.result()).isEqualTo(new TaskState.Result(EA, H_GOOD, GOOD));
    ObjectNode doc = s.toJson();
    assertThat(doc.path("output")).isEqualTo(GOOD);
    assertThat(doc.path("updated_at_ms").asLong()).isEqualTo(T0 + 30);
    assertThat(doc.path("events").asInt()).isEqualTo(5); // created, bid, assigned, candidate, finalized
  }

  @Test
  void aFinalizedTaskIsTerminal() {
    TaskState s = ok(fastProposed(), coord(FINALIZED, T0 + 30, obj("candidate_hash", H_GOOD)));
    rejects(s, coord(FINALIZED, T0 + 40, obj("candidate_hash", H_GOOD)), TERMINAL);
    rejects(s, coord(CANCELLED, T0 + 40, obj()), TERMINAL);
    rejects(s, claim(EB, T0 + 40), TERMINAL);
  }

  @Test
  void fastFinalizeNeedsAClaimAndAKnownCandidate() {
    rejects(created(fastSpec()), coord(FINALIZED, T0 + 5, obj("candidate_hash", H_GOOD)), WRONG_PHASE);
    rejects(fastProposed(), coord(FINALIZED, T0 + 30, obj("candidate_hash", H_FAULTY)), UNKNOWN_CANDIDATE);
  }

  // ---------------------------------------------------------------- quorum profile
  @Test
  void quorumHappyPath() {
    TaskState s = quorumClaimed();
    assertThat(s.claims()).containsOnlyKeys(EA, EB, EC);
    assertThat(s.phase()).isEqualTo(TaskPhase.CLAIMED);
    s = ok(ok(s, propose(EA, T0 + 100, GOOD)), propose(EB, T0 + 110, GOOD));
    assertThat(s.phase()).isEqualTo(TaskPhase.CLAIMED);
    s = ok(s, propose(EC, P, FAULTY));
    assertThat(s).extracting(TaskState::phase, TaskState::commitDeadlineMs, TaskState::revealDeadlineMs)
        .containsExactly(TaskPhase.VOTING, P + VOTE, P + VOTE + REVEAL);
    s = ok(ok(s, verdict(EA, P + 1, H_FAULTY, "failed")), verdict(EB, P + 2, H_GOOD, "passed"));
    assertThat(s.verdicts()).containsOnly(Map.entry(EA + "|" + H_FAULTY, "failed"), Map.entry(EB + "|" + H_GOOD, "passed"));
    s = ok(ok(s, commit(EA, P + 10, H_GOOD, "salt-a")), commit(EB, P + 20, H_GOOD, "salt-b"));
    assertThat(s.phase()).isEqualTo(TaskPhase.VOTING);
    s = ok(s, commit(EC, P + 30, H_FAULTY, "salt-c"));
    assertThat(s.phase()).isEqualTo(TaskPhase.REVEALING);
    assertThat(s.commits()).containsEntry(EA, Votes.commitment(H_GOOD, "salt-a")).hasSize(3);
    s = ok(ok(s, reveal(EA, P + 40, H_GOOD, "salt-a")), reveal(EB, P + 50, H_GOOD, "salt-b"));
    s = ok(s, reveal(EC, P + 60, H_FAULTY, "salt-c"));
    assertThat(s.tally()).containsOnly(Map.entry(H_GOOD, 2), Map.entry(H_FAULTY, 1));
    s = ok(s, coord(DECISION_COMMITTED, P + 100, obj("candidate_hash", H_GOOD)));
    assertThat(s).extracting(TaskState::phase, TaskState::decision).containsExactly(TaskPhase.DECIDED, H_GOOD);
    s = ok(s, coord(FINALIZED, P + 200, obj("candidate_hash", H_GOOD)));
    assertThat(s.phase()).isEqualTo(TaskPhase.FINALIZED);
    assertThat(s.result()).isEqualTo(new TaskState.Result(EA, H_GOOD, GOOD)); // first agreeing executor by id
  }

  @Test
  void aDecisionWithoutEnoughRevealedVotesHasNoQuorum() {
    rejects(quorumRevealed(), coord(DECISION_COMMITTED, P + 100, obj("candidate_hash", H_FAULTY)), NO_QUORUM);
    rejects(quorumRevealed(), coord(DECISION_COMMITTED, P + 100, obj("candidate_hash", "0".repeat(64))), NO_QUORUM);
  }

  @Test
  void finalizingAnotherHashThanTheDecisionConflicts() {
    rejects(quorumDecided(), coord(FINALIZED, P + 200, obj("candidate_hash", H_FAULTY)), CONFLICTING_DECISION);
  }

  @Test
  void decisionAndFinalizationOnlyInTheirPhases() {
    rejects(quorumVoting(), coord(DECISION_COMMITTED, P + 1, obj("candidate_hash", H_GOOD)), WRONG_PHASE);
    rejects(fastProposed(), coord(DECISION_COMMITTED, T0 + 30, obj("candidate_hash", H_GOOD)), WRONG_PHASE);
    rejects(quorumRevealed(), coord(FINALIZED, P + 100, obj("candidate_hash", H_GOOD)), WRONG_PHASE);
  }

  // ---------------------------------------------------------------- rejections
  @ParameterizedTest
  @ValueSource(strings = {FINALIZED, TaskEventTypes.EXPIRED, CANCELLED, RETRY_SCHEDULED, DECISION_COMMITTED, ERROR,
      ASSIGNED, RELEASED})
  void coordinatorOnlyEventsFromAnotherNodeAreRefused(String type) {
    ObjectNode p = obj("candidate_hash", H_GOOD, "attempt", 2, "terminal", true, "message", "x", "executor", EA);
    rejects(quorumRevealed(), fact(type, A, P + 100, p), NOT_COORDINATOR);
  }

  @Test
  void executorsMustBelongToTheSigningNode() {
    TaskState s = created(fastSpec());
    rejects(s, fact(CLAIMED, B, T0 + 1, obj("executor", "z6MkNODEA/x")), NOT_OWNER);
    rejects(s, fact(CLAIMED, A, T0 + 1, obj("executor", "z6MkNODEAB/x")), NOT_OWNER);
    rejects(s, fact(CLAIMED, A, T0 + 1, obj("executor", A + "/")), NOT_OWNER);
    TaskState c = fastProposed();
    rejects(c, fact(LEASE_RENEWED, B, T0 + 30, obj("executor", EA)), NOT_OWNER);
    rejects(c, fact(CANDIDATE_PROPOSED, B, T0 + 30, obj("executor", EA, "output", GOOD)), NOT_OWNER);
    rejects(c, fact(ERROR, B, T0 + 30, obj("executor", EA)), NOT_OWNER);
    rejects(c, fact(EVIDENCE_ADDED, B, T0 + 30, obj("executor", EA, "candidate_hash", H_GOOD)), NOT_OWNER);
    TaskState v = quorumVoting();
    rejects(v, fact(VOTE_COMMITTED, B, P + 1, obj("voter", EA, "commit", "a".repeat(64))), NOT_OWNER);
    rejects(v, fact(VERIFIER_RESULT, B, P + 1, obj("verifier", EA, "candidate_hash", H_GOOD, "verdict", "passed")), NOT_OWNER);
    rejects(quorumRevealing(), fact(VOTE_REVEALED, B, P + 40, obj("voter", EA, "candidate_hash", H_GOOD, "salt", "salt-a")),
        NOT_OWNER);
  }

  @Test
  void eventsOutOfPhaseAreWrongPhase() {
    TaskState v = quorumVoting();
    rejects(v, claim(ED, P + 1), WRONG_PHASE);
    rejects(v, propose(EA, P + 1, GOOD), WRONG_PHASE);
    rejects(v, coord(RELEASED, P + 1, obj("executor", EA)), WRONG_PHASE);
    rejects(v, claim(EK, P + 1), WRONG_PHASE);
    TaskState c = ok(quorumClaimed(), propose(EA, T0 + 100, GOOD));
    rejects(c, commit(EA, T0 + 101, H_GOOD, "s"), WRONG_PHASE);
    rejects(c, reveal(EA, T0 + 101, H_GOOD, "s"), WRONG_PHASE);
    rejects(quorumRevealing(), verdict(EA, P + 40, H_GOOD, "passed"), WRONG_PHASE);
  }

  @Test
  void claimsAfterExpiryAreRefused() {
    TaskState s = created(fastSpec());
    rejects(s, claim(EA, T0 + EXPIRES + 1), TaskRejection.EXPIRED);
    rejects(s, claim(EK, T0 + EXPIRES + 1), TaskRejection.EXPIRED);
    TaskState bid = ok(s, claim(EA, T0 + EXPIRES));
    assertThat(bid.phase()).isEqualTo(TaskPhase.OPEN);
    assertThat(bid.bids()).containsExactly(Map.entry(EA, T0 + EXPIRES));
    assertThat(ok(s, claim(EK, T0 + EXPIRES)).phase()).isEqualTo(TaskPhase.CLAIMED);
  }

  @Test
  void slotsDuringRetryWaitBeforeNotBeforeAreTooEarly() {
    TaskState s = ok(fastProposed(), coord(RETRY_SCHEDULED, T0 + 100, obj("attempt", 2, "not_before_ms", T0 + 500)));
    // a bid may come in early; the slot may not
    TaskState bid = ok(s, claim(EB, T0 + 200));
    assertThat(bid).extracting(TaskState::phase, TaskState::bids).containsExactly(TaskPhase.RETRY_WAIT, Map.of(EB, T0 + 200));
    rejects(bid, assign(EB, T0 + 499), TOO_EARLY);
    rejects(s, claim(EK, T0 + 499), TOO_EARLY);
    assertThat(ok(bid, assign(EB, T0 + 500)).phase()).isEqualTo(TaskPhase.CLAIMED);
    assertThat(ok(s, claim(EK, T0 + 500)).claims()).containsExactly(Map.entry(EK, T0 + 500 + LEASE));
  }

  @Test
  void revealsBeforeTheCommitDeadlineWhileCommitsAreMissingAreTooEarly() {
    TaskState s = ok(quorumVoting(), commit(EA, P + 10, H_GOOD, "salt-a"));
    rejects(s, reveal(EA, P + 20, H_GOOD, "salt-a"), TOO_EARLY);
    rejects(s, reveal(EA, CD, H_GOOD, "salt-a"), TOO_EARLY);
    TaskState r = ok(s, reveal(EA, CD + 1, H_GOOD, "salt-a"));
    assertThat(r.phase()).isEqualTo(TaskPhase.REVEALING);
    rejects(r, commit(EB, CD + 2, H_GOOD, "salt-b"), COMMIT_TOO_LATE);
  }

  @Test
  void claimsMustOfferTheCapability() {
    TaskState s = created(fastSpec().put("capability", "summarize"));
    rejects(s, fact(CLAIMED, A, T0 + 1, obj("executor", EA, "capabilities", json("['echo']"))), CAPABILITY_MISMATCH);
    rejects(s, claim(EA, T0 + 1), CAPABILITY_MISMATCH);
    rejects(s, claim(EK, T0 + 1), CAPABILITY_MISMATCH);
    TaskState bid = ok(s, fact(CLAIMED, A, T0 + 1, obj("executor", EA, "capabilities", json("['echo','summarize']"))));
    assertThat(bid.bids()).containsOnlyKeys(EA);
    ok(s, fact(CLAIMED, COORD, T0 + 1, obj("executor", EK, "capabilities", json("['summarize']"))));
  }

  @Test
  void claimsBeyondTheExecutorSlotsHaveNoSlot() {
    rejects(fastClaimed(), claim(EB, T0 + 11), NO_SLOT);
    rejects(fastClaimed(), claim(EK, T0 + 11), NO_SLOT);
    rejects(quorumClaimed(), claim(ED, T0 + 40), NO_SLOT);
    // two bids, one slot: the second assignment finds the slot taken
    TaskState bids = ok(ok(created(fastSpec()), claim(EA, T0 + 1)), claim(EB, T0 + 2));
    TaskState a = ok(bids, assign(EA, T0 + 3));
    assertThat(a.bids()).containsOnlyKeys(EB);
    rejects(a, assign(EB, T0 + 4), NO_SLOT);
  }

  @Test
  void aSecondClaimByTheSameExecutorIsAlreadyClaimed() {
    TaskState q = take(created(quorumSpec()), EA, T0 + 10);
    rejects(q, claim(EA, T0 + 11), ALREADY_CLAIMED);
    TaskState bid = ok(created(quorumSpec()), claim(EA, T0 + 10));
    assertThat(rejects(bid, claim(EA, T0 + 11), ALREADY_CLAIMED).message()).contains("already bid");
    TaskState own = ok(created(quorumSpec()), claim(EK, T0 + 10));
    rejects(own, claim(EK, T0 + 11), ALREADY_CLAIMED);
    // the slot is taken and the bid is spent: a second assignment has nothing to assign
    rejects(q, assign(EA, T0 + 12), NO_BID);
    // once every slot is taken, a repeated claim finds no slot; once voting started, the wrong phase
    rejects(fastClaimed(), claim(EA, T0 + 11), NO_SLOT);
    rejects(quorumVoting(), claim(EA, P + 1), WRONG_PHASE);
  }

  @Test
  void executorEventsWithoutAClaimAreNotClaimed() {
    TaskState s = fastClaimed();
    assertThat(rejects(s, propose(EB, T0 + 20, GOOD), NOT_CLAIMED).message()).contains("a result for a task it never claimed");
    rejects(s, coord(RELEASED, T0 + 20, obj("executor", EB)), NOT_CLAIMED);
    rejects(s, fact(LEASE_RENEWED, B, T0 + 20, obj("executor", EB)), NOT_CLAIMED);
    rejects(s, fact(ERROR, B, T0 + 20, obj("executor", EB, "message", "boom")), NOT_CLAIMED);
    // a bid is not a claim
    TaskState bid = ok(created(fastSpec()), claim(EA, T0 + 1));
    rejects(bid, propose(EA, T0 + 2, GOOD), NOT_CLAIMED);
    rejects(bid, fact(LEASE_RENEWED, A, T0 + 2, obj("executor", EA)), NOT_CLAIMED);
    rejects(bid, fact(ERROR, A, T0 + 2, obj("executor", EA, "message", "boom")), NOT_CLAIMED);
    rejects(bid, coord(RELEASED, T0 + 2, obj("executor", EA)), NOT_CLAIMED);
  }

  @Test
  void aSecondCandidateFromTheSameExecutorIsAlreadyProposed() {
    rejects(fastProposed(), propose(EA, T0 + 21, FAULTY), ALREADY_PROPOSED);
    rejects(ok(quorumClaimed(), propose(EA, T0 + 100, GOOD)), propose(EA, T0 + 101, GOOD), ALREADY_PROPOSED);
  }

  @Test
  void nonParticipantsHaveNoVoiceInTheRound() {
    TaskState v = quorumVoting();
    assertThat(rejects(v, commit(ED, P + 1, H_GOOD, "s"), NOT_PARTICIPANT).message()).contains("no vote");
    rejects(v, verdict(ED, P + 1, H_GOOD, "passed"), NOT_PARTICIPANT);
    rejects(v, fact(EVIDENCE_ADDED, D, P + 1, obj("executor", ED, "candidate_hash", H_GOOD)), NOT_PARTICIPANT);
    // a claimant that proposed nothing has no vote either
    rejects(ok(quorumClaimed(), propose(EA, T0 + 100, GOOD)), commit(EB, T0 + 101, H_GOOD, "s"), NOT_PARTICIPANT);
  }

  @Test
  void unknownCandidateHashesAreRefused() {
    String unknown = "f".repeat(64);
    TaskState v = quorumVoting();
    rejects(v, verdict(EA, P + 1, unknown, "passed"), UNKNOWN_CANDIDATE);
    rejects(v, fact(EVIDENCE_ADDED, A, P + 1, obj("executor", EA, "candidate_hash", unknown)), UNKNOWN_CANDIDATE);
    // a well-formed commitment to a hash nobody proposed fails at reveal
    TaskState s = ok(ok(ok(v, commit(EA, P + 10, unknown, "salt-a")), commit(EB, P + 20, H_GOOD, "salt-b")),
        commit(EC, P + 30, H_FAULTY, "salt-c"));
    rejects(s, reveal(EA, P + 40, unknown, "salt-a"), UNKNOWN_CANDIDATE);
  }

  @Test
  void duplicateCommitsRevealsAndVerdictsAreAlreadyRecorded() {
    rejects(ok(quorumVoting(), commit(EA, P + 10, H_GOOD, "salt-a")), commit(EA, P + 11, H_FAULTY, "x"), ALREADY_RECORDED);
    TaskState j = ok(quorumVoting(), verdict(EA, P + 1, H_FAULTY, "failed"));
    rejects(j, verdict(EA, P + 2, H_FAULTY, "passed"), ALREADY_RECORDED);
    ok(j, verdict(EA, P + 2, H_GOOD, "passed"));
    TaskState r = ok(quorumRevealing(), reveal(EA, P + 40, H_GOOD, "salt-a"));
    rejects(r, reveal(EA, P + 41, H_GOOD, "salt-a"), ALREADY_RECORDED);
  }

  @Test
  void commitsAfterTheDeadlineOrTheCommitPhaseAreTooLate() {
    TaskState v = quorumVoting();
    rejects(v, commit(EA, CD + 1, H_GOOD, "salt-a"), COMMIT_TOO_LATE);
    ok(v, commit(EA, CD, H_GOOD, "salt-a"));
    rejects(quorumRevealing(), commit(EA, P + 40, H_GOOD, "salt-a"), COMMIT_TOO_LATE);
  }

  @Test
  void revealsWithoutACommitAreNotCommitted() {
    rejects(ok(quorumVoting(), commit(EA, P + 10, H_GOOD, "salt-a")), reveal(EB, CD + 1, H_GOOD, "salt-b"), NOT_COMMITTED);
    rejects(quorumRevealing(), reveal(ED, P + 40, H_GOOD, "salt-d"), NOT_COMMITTED);
  }

  @Test
  void revealsThatDoNotMatchTheCommitAreRefused() {
    TaskState s = quorumRevealing();
    rejects(s, reveal(EA, P + 40, H_GOOD, "wrong-salt"), REVEAL_MISMATCH);
    rejects(s, reveal(EA, P + 40, H_FAULTY, "salt-a"), REVEAL_MISMATCH);
  }

  @Test
  void revealsAfterTheRevealDeadlineAreTooLate() {
    TaskState s = quorumRevealing();
    rejects(s, reveal(EA, RD + 1, H_GOOD, "salt-a"), REVEAL_TOO_LATE);
    ok(s, reveal(EA, RD, H_GOOD, "salt-a"));
  }

  @Test
  void retriesMustNameTheNextAttempt() {
    TaskState s = fastProposed();
    rejects(s, coord(RETRY_SCHEDULED, T0 + 100, obj("attempt", 3)), BAD_ATTEMPT);
    rejects(s, coord(RETRY_SCHEDULED, T0 + 100, obj("attempt", 1)), BAD_ATTEMPT);
    rejects(s, coord(RETRY_SCHEDULED, T0 + 100, obj()), BAD_ATTEMPT);
  }

  @Test
  void retriesStopAtMaxRetries() {
    rejects(created(fastSpec().put("max_retries", 0)), coord(RETRY_SCHEDULED, T0 + 1, obj("attempt", 2)), RETRIES_EXHAUSTED);
    TaskState s = ok(created(fastSpec().put("max_retries", 1)), coord(RETRY_SCHEDULED, T0 + 1, obj("attempt", 2)));
    rejects(s, coord(RETRY_SCHEDULED, T0 + 2, obj("attempt", 3)), RETRIES_EXHAUSTED);
  }

  @Test
  void malformedPayloadsAreBadPayloads() {
    TaskState o = created(fastSpec());
    rejects(o, fact(CLAIMED, A, T0 + 1, obj()), BAD_PAYLOAD);
    rejects(o, fact(CLAIMED, A, T0 + 1, obj("executor", 7)), BAD_PAYLOAD);
    rejects(o, fact(CLAIMED, A, T0 + 1, obj("executor", "")), BAD_PAYLOAD);
    TaskState c = fastClaimed();
    rejects(c, fact(LEASE_RENEWED, A, T0 + 20, obj()), BAD_PAYLOAD);
    rejects(c, fact(RELEASED, A, T0 + 20, obj()), BAD_PAYLOAD);
    rejects(c, fact(ERROR, A, T0 + 20, obj("message", "boom")), BAD_PAYLOAD);
    rejects(c, fact(EVIDENCE_ADDED, A, T0 + 20, obj("candidate_hash", H_GOOD)), BAD_PAYLOAD);
    rejects(c, fact(CANDIDATE_PROPOSED, A, T0 + 20, obj("executor", EA)), BAD_PAYLOAD);
    rejects(c, fact(CANDIDATE_PROPOSED, A, T0 + 20, obj("executor", EA, "output", json("null"))), BAD_PAYLOAD);
    rejects(c, fact(CANDIDATE_PROPOSED, A, T0 + 20, obj("executor", EA, "output", GOOD, "candidate_hash", H_FAULTY)), BAD_PAYLOAD);
    ok(c, fact(CANDIDATE_PROPOSED, A, T0 + 20, obj("executor", EA, "output", GOOD, "candidate_hash", H_GOOD)));
    TaskState v = quorumVoting();
    rejects(v, verdict(EA, P + 1, H_GOOD, "maybe"), BAD_PAYLOAD);
    rejects(v, fact(VERIFIER_RESULT, A, P + 1, obj("candidate_hash", H_GOOD, "verdict", "passed")), BAD_PAYLOAD);
    rejects(v, fact(VOTE_COMMITTED, A, P + 1, obj("voter", EA, "commit", "abc")), BAD_PAYLOAD);
    rejects(v, fact(VOTE_COMMITTED, A, P + 1, obj("voter", EA, "commit", "A".repeat(64))), BAD_PAYLOAD);
    rejects(v, fact(VOTE_COMMITTED, A, P + 1, obj("commit", "a".repeat(64))), BAD_PAYLOAD);
    rejects(quorumRevealing(), fact(VOTE_REVEALED, A, P + 40, obj("candidate_hash", H_GOOD, "salt", "salt-a")), BAD_PAYLOAD);
  }

  // ---------------------------------------------------------------- other transitions
  @Test
  void renewingALeaseExtendsItToTheLaterExpiry() {
    TaskState s = ok(fastClaimed(), fact(LEASE_RENEWED, A, T0 + 5_000, obj("executor", EA)));
    assertThat(s.claims()).containsExactly(Map.entry(EA, T0 + 5_000 + LEASE));
    assertThat(s.phase()).isEqualTo(TaskPhase.CLAIMED);
    // a renewal stamped earlier (it was concurrent, and sorts later) never shortens the lease
    TaskState earlier = ok(s, fact(LEASE_RENEWED, A, T0 + 2_000, obj("executor", EA)));
    assertThat(earlier.claims()).containsExactly(Map.entry(EA, T0 + 5_000 + LEASE));
    TaskState later = ok(earlier, fact(LEASE_RENEWED, A, T0 + 7_000, obj("executor", EA)));
    assertThat(later.claims()).containsExactly(Map.entry(EA, T0 + 7_000 + LEASE));
  }

  @Test
  void onlyTheCoordinatorReleasesASlot() {
    assertThat(rejects(fastProposed(), fact(RELEASED, A, T0 + 30, obj("executor", EA)), NOT_COORDINATOR).message())
        .contains("coordinator");
    rejects(fastProposed(), fact(RELEASED, B, T0 + 30, obj("executor", EA)), NOT_COORDINATOR);
    TaskState byCoord = ok(fastProposed(), coord(RELEASED, T0 + 30, obj("executor", EA)));
    assertThat(byCoord).extracting(TaskState::phase, TaskState::claims, TaskState::candidates)
        .containsExactly(TaskPhase.OPEN, Map.of(), Map.of());
    take(byCoord, EB, T0 + 40);
    TaskState q = ok(ok(quorumClaimed(), propose(EA, T0 + 100, GOOD)), coord(RELEASED, T0 + 101, obj("executor", EA)));
    assertThat(q.phase()).isEqualTo(TaskPhase.CLAIMED);
    assertThat(q.claims()).containsOnlyKeys(EB, EC);
    assertThat(q.candidates()).isEmpty();
    // the freed slot goes to a new bidder
    assertThat(take(q, ED, T0 + 102).claims()).containsOnlyKeys(EB, EC, ED);
  }

  @Test
  void anExecutorErrorIsRecordedButKeepsItsClaim() {
    TaskState before = fastProposed();
    TaskState s = ok(before, fact(ERROR, A, T0 + 30, obj("executor", EA, "message", "boom")));
    assertThat(s).extracting(TaskState::phase, TaskState::claims, TaskState::candidates, TaskState::errorCount,
        TaskState::lastError).containsExactly(TaskPhase.CLAIMED, before.claims(), before.candidates(), 1, EA + ": boom");
    // the coordinator can still finalize the candidate the executor proposed before its error
    assertThat(ok(s, coord(FINALIZED, T0 + 40, obj("candidate_hash", H_GOOD))).phase()).isEqualTo(TaskPhase.FINALIZED);
    // or answer with a retry
    assertThat(ok(s, coord(RETRY_SCHEDULED, T0 + 40, obj("attempt", 2))).phase()).isEqualTo(TaskPhase.RETRY_WAIT);
    // during a vote the same: recorded only
    TaskState v = ok(quorumVoting(), fact(ERROR, A, P + 1, obj("executor", EA)));
    assertThat(v.claims()).containsKey(EA);
    assertThat(v.candidates()).containsKey(EA);
    assertThat(v).extracting(TaskState::phase, TaskState::errorCount, TaskState::lastError)
        .containsExactly(TaskPhase.VOTING, 1, EA + ": unspecified error");
    // a second error is counted too
    assertThat(ok(v, fact(ERROR, A, P + 2, obj("executor", EA, "message", "again"))))
        .extracting(TaskState::errorCount, TaskState::lastError).containsExactly(2, EA + ": again");
    // in a quorum claim phase, the executor's slot is not freed for anyone else
    TaskState c = ok(quorumClaimed(), fact(ERROR, A, T0 + 40, obj("executor", EA)));
    assertThat(c.claims()).containsOnlyKeys(EA, EB, EC);
    rejects(c, claim(ED, T0 + 41), NO_SLOT);
  }

  @Test
  void aTerminalErrorFromTheCoordinatorFailsTheTask() {
    TaskState s = ok(quorumVoting(), coord(ERROR, P + 1, obj("terminal", true, "message", "executors unreachable")));
    assertThat(s).extracting(TaskState::phase, TaskState::lastError, TaskState::errorCount)
        .containsExactly(TaskPhase.FAILED, "executors unreachable", 1);
    rejects(s, coord(RETRY_SCHEDULED, P + 2, obj("attempt", 2)), TERMINAL);
    rejects(s, commit(EA, P + 2, H_GOOD, "s"), TERMINAL);
  }

  @Test
  void aRetryResetsTheRoundAndReopensAtNotBefore() {
    TaskState s = quorumRevealing();
    s = ok(s, coord(RETRY_SCHEDULED, P + 50, obj("attempt", 2, "not_before_ms", P + 1_000, "reason", "no agreement")));
    assertThat(s).extracting(TaskState::phase, TaskState::attempt, TaskState::notBeforeMs, TaskState::lastError)
        .containsExactly(TaskPhase.RETRY_WAIT, 2, P + 1_000, "no agreement");
    assertThat(List.of(s.claims(), s.candidates(), s.commits(), s.reveals(), s.verdicts())).allMatch(Map::isEmpty);
    assertThat(s.commitDeadlineMs() + s.revealDeadlineMs()).isZero();
    assertThat(s.decision()).isEmpty();
    TaskState bid = ok(s, claim(EA, P + 999));
    rejects(bid, assign(EA, P + 999), TOO_EARLY);
    TaskState c = ok(bid, assign(EA, P + 1_000));
    assertThat(c.phase()).isEqualTo(TaskPhase.CLAIMED);
    assertThat(c.claims()).containsExactly(Map.entry(EA, P + 1_000 + LEASE));
    // bids belong to their attempt: a retry drops them
    TaskState bidThenRetry = ok(ok(created(fastSpec()), claim(EB, T0 + 1)), coord(RETRY_SCHEDULED, T0 + 2, obj("attempt", 2)));
    assertThat(bidThenRetry.bids()).isEmpty();
    rejects(bidThenRetry, assign(EB, T0 + 3), NO_BID);
    // a not_before in the past means "from now"
    TaskState now = ok(fastProposed(), coord(RETRY_SCHEDULED, T0 + 100, obj("attempt", 2, "not_before_ms", T0)));
    assertThat(now.notBeforeMs()).isEqualTo(T0 + 100);
  }

  @Test
  void expiryAndCancellationEndTheTask() {
    TaskState e = ok(fastClaimed(), coord(TaskEventTypes.EXPIRED, T0 + EXPIRES + 1, obj("reason", "deadline passed")));
    assertThat(e).extracting(TaskState::phase, TaskState::lastError).containsExactly(TaskPhase.EXPIRED, "deadline passed");
    TaskState c = ok(quorumVoting(), coord(CANCELLED, P + 1, obj()));
    assertThat(c.phase()).isEqualTo(TaskPhase.CANCELLED);
    for (TaskState s : List.of(e, c)) {
      assertThat(s.phase().terminal()).isTrue();
      rejects(s, claim(ED, P + 2), TERMINAL);
      rejects(s, coord(CANCELLED, P + 2, obj()), TERMINAL);
      rejects(s, coord(RETRY_SCHEDULED, P + 2, obj("attempt", 2)), TERMINAL);
      rejects(s, coord("task.bogus", P + 2, obj()), TERMINAL);
    }
  }

  @Test
  void evidenceIsCountedPerCandidate() {
    TaskState s = ok(quorumVoting(), fact(EVIDENCE_ADDED, A, P + 1, obj("executor", EA, "candidate_hash", H_FAULTY)));
    s = ok(s, fact(EVIDENCE_ADDED, B, P + 2, obj("executor", EB, "candidate_hash", H_FAULTY)));
    assertThat(s.toJson().path("evidence")).isEqualTo(obj(H_FAULTY, 2));
    assertThat(s.phase()).isEqualTo(TaskPhase.VOTING);
  }

  @Test
  void anyNodeMayExpireTheTaskOnlyOnceTheSweepGraceHasPassed() {
    long grace = Math.max(5_000, LEASE);
    TaskState s = fastClaimed();
    assertThat(s.spec().sweepGraceMs()).isEqualTo(grace);
    long due = T0 + EXPIRES + grace;
    rejects(s, fact(TaskEventTypes.EXPIRED, B, T0 + EXPIRES + 1, obj()), NOT_COORDINATOR);
    assertThat(rejects(s, fact(TaskEventTypes.EXPIRED, B, due - 1, obj()), NOT_COORDINATOR).message()).contains(String.valueOf(due));
    TaskState swept = ok(s, fact(TaskEventTypes.EXPIRED, B, due, obj("reason", "swept")));
    assertThat(swept).extracting(TaskState::phase, TaskState::lastError).containsExactly(TaskPhase.EXPIRED, "swept");
    // the executor's own node may sweep too, and the coordinator needs no grace
    assertThat(ok(s, fact(TaskEventTypes.EXPIRED, A, due + 1, obj())).phase()).isEqualTo(TaskPhase.EXPIRED);
    assertThat(ok(s, coord(TaskEventTypes.EXPIRED, T0 + 20, obj())).phase()).isEqualTo(TaskPhase.EXPIRED);
    rejects(swept, fact(TaskEventTypes.EXPIRED, C, due + 2, obj()), TERMINAL);
    // the grace is at least five seconds, however short the lease
    TaskState shortLease = created(fastSpec().put("lease_ms", 100));
    assertThat(shortLease.spec().sweepGraceMs()).isEqualTo(5_000);
    rejects(shortLease, fact(TaskEventTypes.EXPIRED, B, T0 + EXPIRES + 4_999, obj()), NOT_COORDINATOR);
    ok(shortLease, fact(TaskEventTypes.EXPIRED, B, T0 + EXPIRES + 5_000, obj()));
    // and the lease when that is longer
    TaskState longLease = created(fastSpec().put("lease_ms", 20_000));
    rejects(longLease, fact(TaskEventTypes.EXPIRED, B, T0 + EXPIRES + 19_999, obj()), NOT_COORDINATOR);
    ok(longLease, fact(TaskEventTypes.EXPIRED, B, T0 + EXPIRES + 20_000, obj()));
  }

  // ---------------------------------------------------------------- purity and persistence
  @Test
  void applyNeverMutatesItsInput() {
    TaskState s = quorumVoting();
    String before = CanonicalJson.encodeString(s.toJson());
    TaskState next = TaskStateMachine.apply(s, commit(EA, P + 10, H_GOOD, "salt-a")).state();
    TaskStateMachine.apply(s, commit(ED, P + 10, H_GOOD, "salt-d"));
    TaskStateMachine.apply(s, coord(RETRY_SCHEDULED, P + 10, obj("attempt", 2)));
    TaskStateMachine.apply(s, coord(CANCELLED, P + 10, obj()));
    assertThat(CanonicalJson.encodeString(s.toJson())).isEqualTo(before);
    assertThat(s.commits()).isEmpty();
    assertThat(s.phase()).isEqualTo(TaskPhase.VOTING);
    assertThat(next.commits()).containsKey(EA);
    // the same event on the same state gives the same answer
    assertThat(TaskStateMachine.apply(s, commit(EA, P + 10, H_GOOD, "salt-a")).state().toJson()).isEqualTo(next.toJson());
  }

  @Test
  void stateRoundTripsThroughItsJsonAlongTheQuorumPath() {
    assertRoundTrips(created(quorumSpec()));
    assertRoundTrips(quorumClaimed());
    assertRoundTrips(ok(ok(take(created(quorumSpec()), EA, T0 + 10), claim(EB, T0 + 11)), claim(EC, T0 + 12)));
    assertRoundTrips(ok(fastProposed(), fact(ERROR, A, T0 + 30, obj("executor", EA, "message", "boom"))));
    assertRoundTrips(created(quorumSpec().put("one_vote_per", "executor")));
    TaskState v = ok(quorumVoting(), verdict(EA, P + 1, H_FAULTY, "failed"));
    assertRoundTrips(ok(v, fact(EVIDENCE_ADDED, A, P + 2, obj("executor", EA, "candidate_hash", H_FAULTY))));
    assertRoundTrips(quorumRevealing());
    assertRoundTrips(quorumDecided());
    TaskState f = ok(quorumDecided(), coord(FINALIZED, P + 200, obj("candidate_hash", H_GOOD)));
    assertRoundTrips(f);
    assertThat(TaskState.fromJson(f.toJson()).result()).isEqualTo(f.result());
    assertRoundTrips(ok(quorumRevealing(), coord(RETRY_SCHEDULED, P + 50, obj("attempt", 2, "not_before_ms", P + 99))));
    // a restored state keeps working: the next event applies to it the same way
    TaskState restored = TaskState.fromJson(quorumRevealed().toJson());
    assertThat(ok(restored, coord(DECISION_COMMITTED, P + 100, obj("candidate_hash", H_GOOD))).toJson())
        .isEqualTo(quorumDecided().toJson());
  }

  // ---------------------------------------------------------------- TaskSpec.parse
  @Test
  void specValidationNamesEveryBadFieldAtOnce() {
    assertThat(fields("{'inputs':{'prompt':'x'},'profile':'slow','lease_ms':-5}"))
        .containsExactlyInAnyOrder("task_id", "profile", "lease_ms");
    assertThat(fields("{'task_id':'bad id!','inputs':{},'reward':1.5,'capability':'Upper'}"))
        .containsExactlyInAnyOrder("task_id", "inputs.prompt", "reward", "capability");
    assertThat(fields("{'task_id':'t'}")).containsExactly("inputs");
    assertThat(fields("'task'")).containsExactly("$");
  }

  @Test
  void specRejectsUnknownTopLevelFields() {
    assertThat(fields("{'task_id':'t','inputs':{'prompt':'x'},'colour':'red'}")).containsExactly("colour");
  }

  @Test
  void swarmScopeIsNormalisedFromStringOrObject() {
    for (String scope : List.of("'region:eu-1'", "{'kind':'region','id':'eu-1'}")) {
      TaskSpec spec = TaskSpec.parse(json("{'task_id':'t','inputs':{'prompt':'x','swarm_scope':" + scope + "}}"));
      assertThat(spec.inputs().path("swarm_scope").asText()).isEqualTo("region:eu-1");
      assertThat(spec.scope()).isEqualTo(Scope.of("region", "eu-1"));
      assertThat(TaskSpec.parse(spec.toJson())).isEqualTo(spec);
    }
    assertThat(fields("{'task_id':'t','inputs':{'prompt':'x','swarm_scope':'moon'}}")).containsExactly("inputs.swarm_scope");
  }

  @Test
  void quorumSettingsAreChecked() {
    String base = "{'task_id':'t','inputs':{'prompt':'x'},";
    assertThat(fields(base + "'profile':'fast','quorum':{'executors':3}}")).containsExactly("quorum");
    assertThat(fields(base + "'quorum':{'executors':3}}")).containsExactly("quorum");
    assertThat(fields(base + "'profile':'quorum','quorum':{'executors':4,'threshold':2}}")).containsExactly("quorum.threshold");
    assertThat(fields(base + "'profile':'quorum','quorum':{'executors':3,'threshold':4}}")).containsExactly("quorum.threshold");
    assertThat(fields(base + "'profile':'quorum','quorum':{'executors':1}}")).containsExactly("quorum.executors");
    TaskSpec five = TaskSpec.parse(json(base + "'profile':'quorum','quorum':{'executors':5}}"));
    assertThat(five).extracting(TaskSpec::executors, TaskSpec::threshold).containsExactly(5, 3);
  }

  @Test
  void anExplicitNullTaskIdIsRejected() {
    String doc = "{'task_id':null,'inputs':{'prompt':'x'}}";
    assertThat(fields(doc)).containsExactly("task_id");
    rejects(null, coord(CREATED, T0, json(doc)), BAD_PAYLOAD);
  }
}
