package dev.wattswarm.kernel.social;

/** A relationship as one party sees it (the {@code state} column of {@code relationship list}). */
public enum RelationshipState {
  PENDING_OUT,
  PENDING_IN,
  ACCEPTED,
  REJECTED,
  BLOCKED,
  REMOVED;

  public String wire() {
    return name().toLowerCase();
  }
}
