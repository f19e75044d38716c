package dev.wattswarm.kernel.task;

import static dev.wattswarm.kernel.task.TaskEventTypes.*;
import static dev.wattswarm.kernel.task.TaskRejection.*;
import static dev.wattswarm.kernel.task.TaskStateMachineTest.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bids, assignments and one vote per node: who gets a slot, and so who gets a vote. */
class TaskSlotRulesTest {
  // ---------------------------------------------------------------- bids and assignments
  @Test
  void aRemoteClaimIsOnlyABid() {
    TaskState s = ok(created(fastSpec()), claim(EA, T0 + 10));
    assertThat(s).extracting(TaskState::phase, TaskState::claims, TaskState::bids)
        .containsExactly(TaskPhase.OPEN, Map.of(), Map.of(EA, T0 + 10));
    assertThat(s.toJson().path("bids")).isEqualTo(obj(EA, T0 + 10));
    assertThat(s.toJson().path("events").asInt()).isEqualTo(2);
    // several executors may bid for the one fast slot; none holds it
    s = ok(ok(s, claim(EB, T0 + 11)), claim(EA2, T0 + 12));
    assertThat(s.bids()).containsOnlyKeys(EA, EA2, EB);
    assertThat(s.claims()).isEmpty();
    assertThat(s.phase()).isEqualTo(TaskPhase.OPEN);
    // the coordinator picks one; the others stay bids
    TaskState a = ok(s, assign(EB, T0 + 20));
    assertThat(a).extracting(TaskState::phase, TaskState::claims, TaskState::bids)
        .containsExactly(TaskPhase.CLAIMED, Map.of(EB, T0 + 20 + LEASE), Map.of(EA, T0 + 10, EA2, T0 + 12));
    // in a quorum, bids are taken while free slots remain
    TaskState q = ok(take(created(quorumSpec()), EA, T0 + 10), claim(EB, T0 + 11));
    assertThat(q).extracting(TaskState::phase, TaskState::bids).containsExactly(TaskPhase.CLAIMED, Map.of(EB, T0 + 11));
  }

  @Test
  void theCoordinatorsOwnClaimTakesASlotAtOnce() {
    TaskState s = ok(created(fastSpec()), claim(EK, T0 + 10));
    assertThat(s).extracting(TaskState::phase, TaskState::claims, TaskState::bids)
        .containsExactly(TaskPhase.CLAIMED, Map.of(EK, T0 + 10 + LEASE), Map.of());
    // but not for another node's executor: that is not its to sign
    rejects(created(fastSpec()), fact(CLAIMED, COORD, T0 + 10, obj("executor", EA)), NOT_OWNER);
  }

  @Test
  void anAssignmentNeedsABidInThisAttempt() {
    TaskState s = created(fastSpec());
    assertThat(rejects(s, assign(EA, T0 + 10), NO_BID).message()).contains(EA);
    rejects(s, assign(EK, T0 + 10), NO_BID); // the coordinator's own executors claim, they do not bid
    TaskState bid = ok(s, claim(EA, T0 + 10));
    rejects(bid, assign(EB, T0 + 11), NO_BID);
    rejects(bid, coord(ASSIGNED, T0 + 11, obj()), BAD_PAYLOAD);
    rejects(bid, coord(ASSIGNED, T0 + 11, obj("executor", 5)), BAD_PAYLOAD);
  }

  @Test
  void onlyTheCoordinatorAssigns() {
    TaskState bid = ok(created(fastSpec()), claim(EA, T0 + 10));
    // neither the bidder's own node nor a third node may turn the bid into a slot
    rejects(bid, fact(ASSIGNED, A, T0 + 11, obj("executor", EA)), NOT_COORDINATOR);
    rejects(bid, fact(ASSIGNED, B, T0 + 11, obj("executor", EA)), NOT_COORDINATOR);
    ok(bid, assign(EA, T0 + 11));
  }

  @Test
  void assignmentsFollowTheSlotRules() {
    TaskState bid = ok(created(quorumSpec()), claim(ED, T0 + 1));
    TaskState full = take(take(take(bid, EA, T0 + 10), EB, T0 + 20), EC, T0 + 30);
    assertThat(full.bids()).containsOnlyKeys(ED);
    rejects(full, assign(ED, T0 + 31), NO_SLOT);
    TaskState voting = ok(ok(ok(full, propose(EA, T0 + 100, GOOD)), propose(EB, T0 + 110, GOOD)), propose(EC, P, FAULTY));
    assertThat(voting.phase()).isEqualTo(TaskPhase.VOTING);
    rejects(voting, assign(ED, P + 1), WRONG_PHASE);
    rejects(ok(voting, coord(CANCELLED, P + 1, obj())), assign(ED, P + 2), TERMINAL);
  }

  @Test
  void bidsAreRefusedOutsideAnOpenSlot() {
    rejects(quorumVoting(), claim(ED, P + 1), WRONG_PHASE);
    rejects(quorumRevealing(), claim(ED, P + 40), WRONG_PHASE);
    rejects(quorumDecided(), claim(ED, P + 101), WRONG_PHASE);
    rejects(quorumClaimed(), claim(ED, T0 + 40), NO_SLOT);
    rejects(fastClaimed(), claim(EB, T0 + 11), NO_SLOT);
  }

  @Test
  void anAttemptKeepsAtMostMaxBidsBids() {
    TaskState s = created(fastSpec().put("one_vote_per", "executor"));
    for (int i = 0; i < TaskStateMachine.MAX_BIDS; i++) s = ok(s, claim("z6MkBIDDER" + i + "/x", T0 + 1 + i));
    assertThat(s.bids()).hasSize(TaskStateMachine.MAX_BIDS);
    assertThat(rejects(s, claim(EA, T0 + 100), QUOTA).message()).contains(String.valueOf(TaskStateMachine.MAX_BIDS));
    // a repeated bid is still a repeat, not over quota
    rejects(s, claim("z6MkBIDDER0/x", T0 + 100), ALREADY_CLAIMED);
    // the coordinator's own claims do not bid, so they are not limited by it
    assertThat(ok(s, claim(EK, T0 + 100)).claims()).containsOnlyKeys(EK);
    // an assignment spends a bid, but the bids left are still too many for a new one... until a retry clears them
    TaskState a = ok(s, assign("z6MkBIDDER7/x", T0 + 100));
    assertThat(a.bids()).hasSize(TaskStateMachine.MAX_BIDS - 1);
    TaskState retried = ok(a, coord(RETRY_SCHEDULED, T0 + 200, obj("attempt", 2)));
    assertThat(retried.bids()).isEmpty();
    assertThat(ok(retried, claim(EA, T0 + 201)).bids()).containsOnlyKeys(EA);
  }

  // ---------------------------------------------------------------- one vote per node
  @Test
  void oneVotePerNodeIsTheDefault() {
    TaskSpec spec = created(quorumSpec()).spec();
    assertThat(spec.votePer()).isEqualTo(TaskSpec.VotePer.NODE);
    assertThat(spec.toJson().path("one_vote_per").asText()).isEqualTo("node");
    assertThat(TaskSpec.parse(spec.toJson())).isEqualTo(spec);
    TaskSpec perExecutor = created(quorumSpec().put("one_vote_per", "executor")).spec();
    assertThat(perExecutor.votePer()).isEqualTo(TaskSpec.VotePer.EXECUTOR);
    assertThat(TaskSpec.parse(perExecutor.toJson())).isEqualTo(perExecutor);
    assertThat(fields("{'task_id':'t','inputs':{'prompt':'x'},'one_vote_per':'cluster'}")).containsExactly("one_vote_per");
    assertThat(fields("{'task_id':'t','inputs':{'prompt':'x'},'one_vote_per':1}")).containsExactly("one_vote_per");
  }

  @Test
  void aRewardIsAWholeWattAmountUpToTwoToThe53() {
    assertThat(TaskSpec.parse(json("{'task_id':'t','inputs':{'prompt':'x'},'reward':9007199254740992}")).reward())
        .isEqualTo(TaskSpec.MAX_REWARD);
    assertThat(fields("{'task_id':'t','inputs':{'prompt':'x'},'reward':9007199254740993}")).containsExactly("reward");
    assertThat(fields("{'task_id':'t','inputs':{'prompt':'x'},'reward':-1}")).containsExactly("reward");
  }

  @Test
  void aNodeHoldsOneSlotWhenTheTaskCountsOneVotePerNode() {
    TaskState s = ok(ok(created(quorumSpec().put("one_vote_per", "node")), claim(EA, T0 + 1)), claim(EA2, T0 + 2));
    assertThat(s.bids()).containsOnlyKeys(EA, EA2); // bidding is not limited per node
    TaskState a = ok(s, assign(EA, T0 + 3));
    assertThat(rejects(a, assign(EA2, T0 + 4), NODE_HAS_SLOT).message()).contains(A).contains(EA);
    // the coordinator's own node too
    TaskState own = ok(created(quorumSpec().put("one_vote_per", "node")), claim(EK, T0 + 1));
    rejects(own, claim(EK2, T0 + 2), NODE_HAS_SLOT);
    // once the coordinator releases the node's slot, its other executor may take one
    TaskState released = ok(a, coord(RELEASED, T0 + 5, obj("executor", EA)));
    assertThat(ok(released, assign(EA2, T0 + 6)).claims()).containsOnlyKeys(EA2);
  }

  @Test
  void theExecutorRuleLetsOneNodeHoldSeveralSlots() {
    TaskState s = ok(ok(created(quorumSpec().put("one_vote_per", "executor")), claim(EA, T0 + 1)), claim(EA2, T0 + 2));
    s = ok(ok(s, assign(EA, T0 + 3)), assign(EA2, T0 + 4));
    assertThat(s.claims()).containsOnlyKeys(EA, EA2);
    TaskState own = ok(ok(created(quorumSpec().put("one_vote_per", "executor")), claim(EK, T0 + 1)), claim(EK2, T0 + 2));
    assertThat(own.claims()).containsOnlyKeys(EK, EK2);
  }

  /** Node D runs three executors and lies; A and B are honest. Three slots, threshold two. */
  static TaskState sybilRound(String onePer) {
    String d1 = D + "/sybil-1", d2 = D + "/sybil-2", d3 = D + "/sybil-3";
    TaskState s = created(quorumSpec().put("one_vote_per", onePer));
    // D bids first with all three; the coordinator assigns in bid order
    long t = T0;
    for (String ex : List.of(d1, d2, d3, EA, EB)) s = ok(s, claim(ex, ++t));
    for (String ex : List.of(d1, d2, d3, EA, EB)) {
      TaskTransition tr = TaskStateMachine.apply(s, assign(ex, ++t));
      if (tr.accepted()) s = tr.state();
    }
    return s;
  }

  @Test
  void aNodeWithThreeExecutorsCannotOutvoteTwoHonestNodes() {
    String d1 = D + "/sybil-1", d2 = D + "/sybil-2";
    TaskState s = sybilRound("node");
    assertThat(s.claims()).containsOnlyKeys(d1, EA, EB);
    assertThat(TaskStateMachine.apply(s, assign(d2, T0 + 50)).rejection()).isIn(NODE_HAS_SLOT, NO_SLOT);
    rejects(s, propose(d2, T0 + 60, FAULTY), NOT_CLAIMED);
    s = ok(ok(ok(s, propose(d1, T0 + 100, FAULTY)), propose(EA, T0 + 110, GOOD)), propose(EB, P, GOOD));
    assertThat(s.phase()).isEqualTo(TaskPhase.VOTING);
    rejects(s, commit(d2, P + 5, H_FAULTY, "d2"), NOT_PARTICIPANT);
    s = ok(ok(ok(s, commit(d1, P + 10, H_FAULTY, "d1")), commit(EA, P + 20, H_GOOD, "salt-a")), commit(EB, P + 30, H_GOOD, "salt-b"));
    rejects(s, reveal(d2, P + 35, H_FAULTY, "d2"), NOT_COMMITTED);
    s = ok(ok(ok(s, reveal(d1, P + 40, H_FAULTY, "d1")), reveal(EA, P + 50, H_GOOD, "salt-a")), reveal(EB, P + 60, H_GOOD, "salt-b"));
    assertThat(s.tally()).containsOnly(Map.entry(H_GOOD, 2), Map.entry(H_FAULTY, 1));
    rejects(s, coord(DECISION_COMMITTED, P + 100, obj("candidate_hash", H_FAULTY)), NO_QUORUM);
    s = ok(s, coord(DECISION_COMMITTED, P + 100, obj("candidate_hash", H_GOOD)));
    s = ok(s, coord(FINALIZED, P + 200, obj("candidate_hash", H_GOOD)));
    assertThat(s.result()).isEqualTo(new TaskState.Result(EA, H_GOOD, GOOD));
  }

  @Test
  void withOneVotePerExecutorTheSameNodeWouldTakeEverySlot() {
    // why "node" is the default among nodes that do not trust each other
    TaskState s = sybilRound("executor");
    assertThat(s.claims()).containsOnlyKeys(D + "/sybil-1", D + "/sybil-2", D + "/sybil-3");
    assertThat(s.bids()).containsOnlyKeys(EA, EB);
  }


  // ---------------------------------------------------------------- direct finalization
  static TaskFact direct(String ex, long at, com.fasterxml.jackson.databind.JsonNode output) {
    return coord(FINALIZED, at, obj("executor", ex, "candidate_hash", Votes.candidateHash(output), "output", output));
  }

  @Test
  void theCoordinatorsOwnExecutorFinalizesAFastTaskInOneFact() {
    TaskState s = ok(created(fastSpec()), direct(EK, T0 + 10, GOOD));
    assertThat(s.phase()).isEqualTo(TaskPhase.FINALIZED);
    assertThat(s.result().executor()).isEqualTo(EK);
    assertThat(s.result().hash()).isEqualTo(H_GOOD);
    assertThat(s.claims()).containsOnlyKeys(EK);
    assertThat(s.candidates()).containsOnlyKeys(EK);
    // also on the slot its own claim already holds (a direct run that became visible)
    TaskState claimed = ok(created(fastSpec()), fact(CLAIMED, COORD, T0 + 5, obj("executor", EK)));
    assertThat(ok(claimed, direct(EK, T0 + 10, GOOD)).phase()).isEqualTo(TaskPhase.FINALIZED);
  }

  @Test
  void aDirectFinalizationKeepsEverySlotRule() {
    // another node's executor: it must bid, be assigned and propose
    rejects(created(fastSpec()), direct(EA, T0 + 10, GOOD), NOT_OWNER);
    // the slot is held by an assigned bidder
    TaskState taken = take(created(fastSpec()), EA, T0 + 10);
    rejects(taken, direct(EK, T0 + 20, GOOD), NO_SLOT);
    // only a fast task; not after expiry; the hash must be the output's; an output must be an object
    rejects(created(quorumSpec()), direct(EK, T0 + 10, GOOD), BAD_PAYLOAD);
    rejects(created(fastSpec()), direct(EK, T0 + EXPIRES + 1, GOOD), TaskRejection.EXPIRED);
    rejects(created(fastSpec()), coord(FINALIZED, T0 + 10, obj("executor", EK, "candidate_hash", H_FAULTY, "output", GOOD)), BAD_PAYLOAD);
    rejects(created(fastSpec()), coord(FINALIZED, T0 + 10, obj("executor", EK, "output", json("[1]"))), BAD_PAYLOAD);
    // only from the coordinator
    rejects(created(fastSpec()), fact(FINALIZED, A, T0 + 10, obj("executor", EA, "output", GOOD)), NOT_COORDINATOR);
  }
}
