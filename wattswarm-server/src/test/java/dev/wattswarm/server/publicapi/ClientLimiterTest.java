package dev.wattswarm.server.publicapi;

import dev.wattswarm.testkit.StepClock;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientLimiterTest {
  private final StepClock clock = new StepClock(0);

  @Test
  void eachClientHasItsOwnBucket() {
    var l = new ClientLimiter(2, 2, 100, clock);
    assertThat(l.take("10.0.0.1")).isZero();
    assertThat(l.take("10.0.0.1")).isZero();
    assertThat(l.take("10.0.0.1")).isEqualTo(500);
    assertThat(l.take("10.0.0.2")).isZero();
    clock.advance(500);
    assertThat(l.take("10.0.0.1")).isZero();
  }

  @Test
  void theMapStaysWithinItsBoundUnderAFloodOfAddresses() {
    var l = new ClientLimiter(1, 1, 50, clock);
    for (int i = 0; i < 10_000; i++) l.take("10.1." + (i / 256) + "." + (i % 256));
    assertThat(l.tracked()).isEqualTo(50);
    assertThat(l.forgotten()).isEqualTo(10_000 - 50);
  }

  @Test
  void ipv6AddressesShareTheBucketOfTheirSlash64() {
    var l = new ClientLimiter(1, 1, 100, clock);
    assertThat(l.take("2001:db8:1:2::1")).isZero();
    assertThat(l.take("2001:db8:1:2:ffff::9")).isPositive();
    assertThat(l.take("2001:db8:1:3::1")).isZero();
    assertThat(ClientLimiter.key("[2001:db8:1:2::1]")).isEqualTo(ClientLimiter.key("2001:db8:1:2::7"));
  }
}
