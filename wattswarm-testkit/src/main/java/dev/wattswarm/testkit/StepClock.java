package dev.wattswarm.testkit;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves by hand (rate limits, expiry). */
public final class StepClock extends Clock {
  private final AtomicLong ms;

  public StepClock(long startMs) {
    ms = new AtomicLong(startMs);
  }

  public void advance(long deltaMs) {
    ms.addAndGet(deltaMs);
  }

  @Override
  public long millis() {
    return ms.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(ms.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
