package dev.wattswarm.kernel.task;

/** How a task reaches its result. */
public enum Profile {
  /** One executor; the coordinator accepts the first valid result. */
  FAST,
  /** N executors propose, verify each other's candidates and vote by commit-reveal; a quorum decides. */
  QUORUM;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
