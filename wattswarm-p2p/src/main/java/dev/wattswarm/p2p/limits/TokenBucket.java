package dev.wattswarm.p2p.limits;

/** A token bucket on the scheduler's clock: {@code rate} tokens per second, at most {@code burst} saved. */
public final class TokenBucket {
  private final double rate;
  private final double burst;
  private double tokens;
  private long last;

  public TokenBucket(double ratePerSecond, double burst, long nowMs) {
    this.rate = ratePerSecond;
    this.burst = burst;
    this.tokens = burst;
    this.last = nowMs;
  }

  /** Takes one token if there is one. */
  public boolean tryTake(long nowMs) {
    if (nowMs > last) {
      tokens = Math.min(burst, tokens + (nowMs - last) * rate / 1000.0);
      last = nowMs;
    }
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  }
}
