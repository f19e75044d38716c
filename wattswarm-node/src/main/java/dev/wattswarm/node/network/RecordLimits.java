package dev.wattswarm.node.network;

/**
 * How many node records a node keeps, and how fast any one source may add nodes it has never seen.
 * Keys are free, so a single peer or client could otherwise sign records for thousands of made-up
 * node ids and push real ones out of the book; the per-source budgets make that flood slow, and the
 * global bound caps it. Renewals of a node already held never use a budget.
 *
 * @param capacity records held at most, one per node; when full, the one closest to expiry goes
 * @param perPeerBurst new node ids one peer may hand over at once (gossip it forwards, snapshots it
 *     answers, a discovery URL's answer); at least one snapshot's worth, so a newcomer fills its book
 * @param perPeerRefillMs one more new node id per this many ms for that peer
 * @param perAddressBurst new node ids one client address (IPv6 by /64) may POST at once
 * @param perAddressRefillMs one more new node id per this many ms for that address
 * @param maxSources sources tracked at most; the least recently seen are forgotten first (a
 *     forgotten source starts again with a full budget, which the global bound still caps)
 */
public record RecordLimits(int capacity, int perPeerBurst, long perPeerRefillMs, int perAddressBurst, long perAddressRefillMs,
    int maxSources) {

  public RecordLimits {
    if (capacity < 1 || perPeerBurst < 1 || perPeerRefillMs < 1 || perAddressBurst < 1 || perAddressRefillMs < 1 || maxSources < 1) {
      throw new IllegalArgumentException("record limits must be positive");
    }
  }

  /** 10,000 records; a peer 512 new nodes at once then 4 a second; a client address 16 at once then one every 10 s. */
  public static RecordLimits defaults() {
    return new RecordLimits(10_000, 512, 250, 16, 10_000, 4_096);
  }

  public RecordLimits withPerPeer(int burst, long refillMs) {
    return new RecordLimits(capacity, burst, refillMs, perAddressBurst, perAddressRefillMs, maxSources);
  }
}
