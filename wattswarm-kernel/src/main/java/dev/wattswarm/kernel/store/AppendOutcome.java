package dev.wattswarm.kernel.store;

/** What an append did with one event. */
public enum AppendOutcome {
  APPENDED,
  DUPLICATE
}
