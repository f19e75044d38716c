package dev.wattswarm.node.discovery;

/**
 * Timings and bounds of Discovery v1, immutable.
 *
 * @param recordTtlMs how long this node's own record is valid (its {@code expires_at_ms - issued_at_ms})
 * @param republishMs how often the node signs and gossips a fresh record; well inside the TTL so
 *     others never see it lapse while the node is up
 * @param refreshMs how often the node pulls records from its discovery URLs and from one neighbour,
 *     and pushes its own record to the discovery URLs
 * @param capacity records held at most (one per node); when full, the one closest to expiry goes
 * @param snapshotRecords records sent to a neighbour that asks for a snapshot
 * @param fetchTimeoutMs timeout of one HTTP fetch from a discovery URL
 * @param maxFetchBytes largest answer read from a discovery URL
 * @param maxResults most records one query returns
 */
public record DiscoveryConfig(long recordTtlMs, long republishMs, long refreshMs, int capacity, int snapshotRecords,
    long fetchTimeoutMs, int maxFetchBytes, int maxResults) {

  public DiscoveryConfig {
    if (recordTtlMs <= 0 || republishMs <= 0 || republishMs >= recordTtlMs) {
      throw new IllegalArgumentException("republish interval must be positive and shorter than the record TTL");
    }
    if (refreshMs <= 0 || capacity < 1 || snapshotRecords < 1 || fetchTimeoutMs <= 0 || maxFetchBytes < 1024 || maxResults < 1) {
      throw new IllegalArgumentException("discovery limits must be positive");
    }
  }

  /** Internet deployments: records live 30 minutes, renewed every 10, pulled every minute. */
  public static DiscoveryConfig wan() {
    return new DiscoveryConfig(30 * 60_000L, 10 * 60_000L, 60_000, 10_000, 256, 5_000, 1 << 20, 500);
  }

  /** Nodes on one machine: the same bounds, quicker rounds. */
  public static DiscoveryConfig local() {
    return new DiscoveryConfig(10 * 60_000L, 60_000, 5_000, 10_000, 256, 2_000, 1 << 20, 500);
  }

  public DiscoveryConfig withTimings(long ttlMs, long republishEveryMs, long refreshEveryMs) {
    return new DiscoveryConfig(ttlMs, republishEveryMs, refreshEveryMs, capacity, snapshotRecords, fetchTimeoutMs, maxFetchBytes, maxResults);
  }

  public DiscoveryConfig withCapacity(int records) {
    return new DiscoveryConfig(recordTtlMs, republishMs, refreshMs, records, snapshotRecords, fetchTimeoutMs, maxFetchBytes, maxResults);
  }
}
