package dev.wattswarm.node.swarm;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves by hand. */
final class TestClock extends Clock {
  private final AtomicLong ms;

  TestClock(long startMs) {
    this.ms = new AtomicLong(startMs);
  }

  void advance(long d) {
    ms.addAndGet(d);
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
