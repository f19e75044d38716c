package dev.wattswarm.node.p2p;

/**
 * Backfill and anti-entropy parameters.
 *
 * @param antiEntropyMs how often lane heads are compared with one random neighbour
 * @param batchEvents events asked for per request (bounded batches)
 * @param requestTimeoutMs how long one backfill request may take
 * @param maxResponseBytes cap on one backfill response
 */
public record SyncConfig(long antiEntropyMs, int batchEvents, long requestTimeoutMs, int maxResponseBytes) {
  public static SyncConfig local() {
    return new SyncConfig(2_000, 500, 5_000, 900_000);
  }

  public static SyncConfig lan() {
    return new SyncConfig(5_000, 500, 10_000, 900_000);
  }

  public static SyncConfig wan() {
    return new SyncConfig(15_000, 500, 30_000, 900_000);
  }
}
