package dev.wattswarm.node.p2p;

/**
 * Backfill and anti-entropy parameters.
 *
 * @param antiEntropyMs how often lane heads are compared with one random neighbour
 * @param batchEvents events asked for per request (bounded batches)
 * @param requestTimeoutMs how long one backfill request may take
 * @param maxResponseBytes cap on one backfill response
 * @param ingestQueueEvents gossiped events waiting to be appended; more are dropped and counted
 *     (backfill fetches them later), so a flood cannot grow the queue without bound
 */
public record SyncConfig(long antiEntropyMs, int batchEvents, long requestTimeoutMs, int maxResponseBytes,
    int ingestQueueEvents) {

  public SyncConfig {
    if (ingestQueueEvents < 1) throw new IllegalArgumentException("ingestQueueEvents must be positive");
  }

  /** The timings, with the default ingest queue bound. */
  public SyncConfig(long antiEntropyMs, int batchEvents, long requestTimeoutMs, int maxResponseBytes) {
    this(antiEntropyMs, batchEvents, requestTimeoutMs, maxResponseBytes, 10_000);
  }

  public static SyncConfig local() {
    return new SyncConfig(2_000, 500, 5_000, 900_000);
  }

  public static SyncConfig lan() {
    return new SyncConfig(5_000, 500, 10_000, 900_000);
  }

  public static SyncConfig wan() {
    return new SyncConfig(15_000, 500, 30_000, 900_000);
  }

  public SyncConfig withIngestQueueEvents(int v) {
    return new SyncConfig(antiEntropyMs, batchEvents, requestTimeoutMs, maxResponseBytes, v);
  }
}
