package dev.wattswarm.p2p.gossip;

/**
 * PlumTree parameters.
 *
 * @param ihaveFlushMs how long announcements to lazy peers are batched
 * @param graftTimeoutMs how long after an IHAVE a missing message is requested (GRAFT)
 * @param secondGraftMs how long before the next announcer is asked
 * @param cacheMessages messages kept to answer GRAFTs and to recognise duplicates
 * @param maxPayloadBytes largest payload accepted from a peer
 * @param digestMs how often the ids of recent messages are offered to one random neighbour, so
 *     what a partition or a burst of loss kept from a node is pulled once the link is back
 * @param digestSize how many recent ids such a digest carries
 */
public record BroadcastConfig(long ihaveFlushMs, long graftTimeoutMs, long secondGraftMs, int cacheMessages,
    int maxPayloadBytes, long digestMs, int digestSize) {

  public static BroadcastConfig local() {
    return new BroadcastConfig(20, 60, 30, 20_000, 1 << 20, 1_000, 256);
  }

  public static BroadcastConfig lan() {
    return new BroadcastConfig(50, 200, 100, 20_000, 1 << 20, 2_000, 256);
  }

  public static BroadcastConfig wan() {
    return new BroadcastConfig(100, 800, 400, 50_000, 1 << 20, 5_000, 512);
  }
}
