package dev.wattswarm.kernel.task;

/** Why the state machine refused a task event. The event stays in the log; the task ignores it. */
public enum TaskRejection {
  UNKNOWN_TASK,
  DUPLICATE_TASK,
  BAD_PAYLOAD,
  TERMINAL,
  NOT_COORDINATOR,
  NOT_OWNER,
  WRONG_PHASE,
  EXPIRED,
  TOO_EARLY,
  CAPABILITY_MISMATCH,
  NO_SLOT,
  ALREADY_CLAIMED,
  NOT_CLAIMED,
  ALREADY_PROPOSED,
  NOT_PARTICIPANT,
  UNKNOWN_CANDIDATE,
  ALREADY_RECORDED,
  COMMIT_TOO_LATE,
  NOT_COMMITTED,
  REVEAL_MISMATCH,
  REVEAL_TOO_LATE,
  NO_QUORUM,
  CONFLICTING_DECISION,
  BAD_ATTEMPT,
  RETRIES_EXHAUSTED,
  /** The executor's node already holds a slot and the task counts one vote per node. */
  NODE_HAS_SLOT,
  /** An assignment names an executor that did not bid in this attempt. */
  NO_BID,
  /** The author already has its quota of facts on this task; later ones are ignored. */
  QUOTA,
  /** The event came in another scope than the task's. */
  WRONG_SCOPE,
  /** The executor's node is not among the hive members the task was posted to. */
  NOT_HIVE_MEMBER
}
