package dev.wattswarm.node.brain;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Tries again after transient failures, waiting 200 ms, 400 ms, 800 ms, ... or what the server's
 * Retry-After asks, because hammering an overloaded model server only makes it slower.
 */
final class Retry {
  static final long BASE_MS = 200;
  /** A server may not park an executor longer than this per attempt. */
  static final long MAX_WAIT_MS = 30_000;

  private final int maxRetries;

  Retry(int maxRetries) {
    this.maxRetries = maxRetries;
  }

  /** @param mayRetry false once retrying would be visible to the caller, e.g. tokens were streamed */
  <T> T run(Supplier<T> attempt, BooleanSupplier mayRetry) {
    for (int n = 0; ; n++) {
      try {
        return attempt.get();
      } catch (BrainException e) {
        boolean again = e.kind().retryable() && n < maxRetries && mayRetry.getAsBoolean()
            && !Thread.currentThread().isInterrupted();
        if (!again) throw n == 0 ? e : e.afterAttempts(n + 1);
        try {
          Thread.sleep(waitMs(n, e));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e.afterAttempts(n + 1);
        }
      }
    }
  }

  static long waitMs(int n, BrainException e) {
    return Math.min(MAX_WAIT_MS, e.retryAfterMs().orElse(BASE_MS << Math.min(n, 16)));
  }
}
