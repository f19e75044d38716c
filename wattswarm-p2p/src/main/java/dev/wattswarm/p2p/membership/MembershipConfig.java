package dev.wattswarm.p2p.membership;

/**
 * HyParView parameters.
 *
 * @param activeSize neighbours kept connected (log(n)+1 suits networks up to a few thousand)
 * @param passiveSize known but unconnected peers kept for repair
 * @param activeWalk random-walk length of a forward-join (ARWL)
 * @param passiveWalk hop at which a forward-join also lands in the passive view (PRWL)
 * @param shuffleMs how often a sample of the views is exchanged with a random walk
 * @param shuffleActive active peers put in a shuffle sample
 * @param shufflePassive passive peers put in a shuffle sample
 * @param reconnectMs how often lost peers are retried, which is what re-merges healed partitions
 */
public record MembershipConfig(int activeSize, int passiveSize, int activeWalk, int passiveWalk, long shuffleMs,
    int shuffleActive, int shufflePassive, long reconnectMs) {

  public MembershipConfig {
    if (activeSize < 1 || passiveSize < 1 || passiveWalk > activeWalk) {
      throw new IllegalArgumentException("membership sizes must be positive and passiveWalk <= activeWalk");
    }
  }

  /** Loopback and tests: quick shuffles and retries. */
  public static MembershipConfig local() {
    return new MembershipConfig(5, 30, 6, 3, 2_000, 3, 4, 2_000);
  }

  public static MembershipConfig lan() {
    return new MembershipConfig(5, 30, 6, 3, 10_000, 3, 4, 5_000);
  }

  public static MembershipConfig wan() {
    return new MembershipConfig(6, 40, 6, 3, 30_000, 3, 4, 15_000);
  }
}
