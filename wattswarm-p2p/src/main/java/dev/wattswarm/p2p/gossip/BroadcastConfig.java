package dev.wattswarm.p2p.gossip;

/**
 * PlumTree parameters, and the bounds on what peers can make a tree hold.
 *
 * @param ihaveFlushMs how long announcements to lazy peers are batched
 * @param graftTimeoutMs how long after an IHAVE a missing message is requested (GRAFT)
 * @param secondGraftMs how long before the next announcer is asked
 * @param cacheMessages messages kept to answer GRAFTs and to recognise duplicates
 * @param maxPayloadBytes largest payload accepted from a peer; a larger one is a strike
 * @param digestMs how often the ids of recent messages are offered to one random neighbour, so
 *     what a partition or a burst of loss kept from a node is pulled once the link is back
 * @param digestSize how many recent ids such a digest carries (at most {@code maxIhaveIds})
 * @param maxIhaveIds ids one IHAVE frame may carry; a longer one is a strike
 * @param maxMissingPerPeer announced-but-missing ids kept per announcing peer; more are dropped
 * @param maxMissingTotal announced-but-missing ids kept per topic; more are dropped
 * @param directoryTopicsPerPeer scoped topics one node may announce; a longer announcement is refused
 * @param directoryTopics distinct scoped topics the directory keeps; announcements of more are dropped
 */
public record BroadcastConfig(long ihaveFlushMs, long graftTimeoutMs, long secondGraftMs, int cacheMessages,
    int maxPayloadBytes, long digestMs, int digestSize, int maxIhaveIds, int maxMissingPerPeer, int maxMissingTotal,
    int directoryTopicsPerPeer, int directoryTopics) {

  public BroadcastConfig {
    if (maxIhaveIds < 1 || digestSize > maxIhaveIds || maxMissingPerPeer < 1 || maxMissingTotal < 1
        || directoryTopicsPerPeer < 1 || directoryTopics < 1 || maxPayloadBytes < 1) {
      throw new IllegalArgumentException("broadcast bounds must be positive and digestSize <= maxIhaveIds");
    }
  }

  /** The protocol timings and sizes, with the default bounds. */
  public BroadcastConfig(long ihaveFlushMs, long graftTimeoutMs, long secondGraftMs, int cacheMessages,
      int maxPayloadBytes, long digestMs, int digestSize) {
    this(ihaveFlushMs, graftTimeoutMs, secondGraftMs, cacheMessages, maxPayloadBytes, digestMs, digestSize, 256, 1_024,
        16_384, 64, 4_096);
  }

  public static BroadcastConfig local() {
    return new BroadcastConfig(20, 60, 30, 20_000, 1 << 20, 1_000, 256);
  }

  public static BroadcastConfig lan() {
    return new BroadcastConfig(50, 200, 100, 20_000, 1 << 20, 2_000, 256);
  }

  public static BroadcastConfig wan() {
    return new BroadcastConfig(100, 800, 400, 50_000, 1 << 20, 5_000, 256);
  }

  /** The same, with another payload cap (a network's event size limit plus envelope). */
  public BroadcastConfig withMaxPayloadBytes(int v) {
    return new BroadcastConfig(ihaveFlushMs, graftTimeoutMs, secondGraftMs, cacheMessages, v, digestMs, digestSize,
        maxIhaveIds, maxMissingPerPeer, maxMissingTotal, directoryTopicsPerPeer, directoryTopics);
  }
}
