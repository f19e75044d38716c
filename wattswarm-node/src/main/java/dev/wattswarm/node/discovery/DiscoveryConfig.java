package dev.wattswarm.node.discovery;

/**
 * Timings and bounds of Discovery v1, immutable. How long records live, how often they are
 * re-signed and how many are kept are the record layer's ({@link dev.wattswarm.node.p2p.NodeRecords},
 * {@link dev.wattswarm.node.network.RecordLimits}): one rule for dialling and discovery alike.
 *
 * @param refreshMs how often the node pulls records from its discovery URLs and from one neighbour,
 *     and pushes its own record to the discovery URLs
 * @param snapshotRecords records sent to a neighbour that asks for a snapshot
 * @param fetchTimeoutMs timeout of one HTTP fetch from a discovery URL
 * @param maxFetchBytes largest answer read from a discovery URL
 * @param maxResults most records one query returns
 */
public record DiscoveryConfig(long refreshMs, int snapshotRecords, long fetchTimeoutMs, int maxFetchBytes, int maxResults) {

  public DiscoveryConfig {
    if (refreshMs <= 0 || snapshotRecords < 1 || fetchTimeoutMs <= 0 || maxFetchBytes < 1024 || maxResults < 1) {
      throw new IllegalArgumentException("discovery limits must be positive");
    }
  }

  /** Internet deployments: pulled every minute. */
  public static DiscoveryConfig wan() {
    return new DiscoveryConfig(60_000, 256, 5_000, 1 << 20, 500);
  }

  /** Nodes on one machine: the same bounds, quicker rounds. */
  public static DiscoveryConfig local() {
    return new DiscoveryConfig(5_000, 256, 2_000, 1 << 20, 500);
  }

  public DiscoveryConfig withRefresh(long refreshEveryMs) {
    return new DiscoveryConfig(refreshEveryMs, snapshotRecords, fetchTimeoutMs, maxFetchBytes, maxResults);
  }
}
