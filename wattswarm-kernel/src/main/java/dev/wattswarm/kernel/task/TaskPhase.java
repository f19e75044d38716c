package dev.wattswarm.kernel.task;

import java.util.Locale;

/** Where a task is in its lifecycle. The last four are terminal. */
public enum TaskPhase {
  /** Waiting for executors to claim it. */
  OPEN,
  /** A failed attempt; claims are accepted again from {@code not_before_ms}. */
  RETRY_WAIT,
  /** Claimed by (some of) its executors; candidates are being produced. */
  CLAIMED,
  /** Quorum: every candidate is in; participants verify and commit hidden votes. */
  VOTING,
  /** Quorum: votes are being revealed against their commits. */
  REVEALING,
  /** Quorum: the coordinator committed the decision; finalization follows. */
  DECIDED,
  FINALIZED,
  FAILED,
  EXPIRED,
  CANCELLED;

  public boolean terminal() {
    return ordinal() >= FINALIZED.ordinal();
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TaskPhase fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
