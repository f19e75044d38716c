package dev.wattswarm.kernel.task;

import java.util.Set;

/**
 * Event types of the task lifecycle. Coordinator-only: created, assigned, released,
 * decision_committed, finalized, retry_scheduled, cancelled, and a terminal error; expired too until
 * the sweep grace has passed. Everything else comes from the node
 * hosting the executor it names.
 */
public final class TaskEventTypes {
  private TaskEventTypes() {}

  public static final String CREATED = "task.created";
  /**
   * From the coordinator's node it takes a slot for one of its own executors; from any other node
   * it is a bid, and only the coordinator's {@link #ASSIGNED} turns it into a slot.
   */
  public static final String CLAIMED = "task.claimed";
  /** The coordinator gives a slot to an executor that bid for it. */
  public static final String ASSIGNED = "task.assigned";
  public static final String LEASE_RENEWED = "task.lease_renewed";
  public static final String RELEASED = "task.released";
  public static final String CANDIDATE_PROPOSED = "task.candidate_proposed";
  public static final String EVIDENCE_ADDED = "task.evidence_added";
  public static final String VERIFIER_RESULT = "task.verifier_result";
  public static final String VOTE_COMMITTED = "task.vote_committed";
  public static final String VOTE_REVEALED = "task.vote_revealed";
  public static final String DECISION_COMMITTED = "task.decision_committed";
  public static final String FINALIZED = "task.finalized";
  public static final String ERROR = "task.error";
  public static final String RETRY_SCHEDULED = "task.retry_scheduled";
  public static final String EXPIRED = "task.expired";
  public static final String CANCELLED = "task.cancelled";

  public static final Set<String> ALL = Set.of(CREATED, CLAIMED, ASSIGNED, LEASE_RENEWED, RELEASED, CANDIDATE_PROPOSED,
      EVIDENCE_ADDED, VERIFIER_RESULT, VOTE_COMMITTED, VOTE_REVEALED, DECISION_COMMITTED, FINALIZED, ERROR,
      RETRY_SCHEDULED, EXPIRED, CANCELLED);

  /** Types after which a task may be in a terminal state. */
  public static final Set<String> MAYBE_TERMINAL = Set.of(FINALIZED, ERROR, EXPIRED, CANCELLED);
}
