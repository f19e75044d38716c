package dev.wattswarm.node.network;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NewNodeQuotaTest {
  @Test
  void aSourceSpendsItsBurstThenEarnsOneNewNodePerRefillInterval() {
    NewNodeQuota q = new NewNodeQuota(3, 1_000, 10);
    long t = 5_000;
    for (int i = 0; i < 3; i++) assertThat(q.take("peer:a", t)).isTrue();
    assertThat(q.take("peer:a", t)).isFalse();
    assertThat(q.take("peer:b", t)).as("another source has its own budget").isTrue();
    assertThat(q.take("peer:a", t + 999)).isFalse();
    assertThat(q.take("peer:a", t + 1_000)).isTrue();
    assertThat(q.take("peer:a", t + 1_000)).isFalse();
    // a long silence refills to the burst, never beyond
    for (int i = 0; i < 3; i++) assertThat(q.take("peer:a", t + 1_000_000)).isTrue();
    assertThat(q.take("peer:a", t + 1_000_000)).isFalse();
    // a clock stepping back earns nothing
    assertThat(q.take("peer:a", t)).isFalse();
  }

  @Test
  void theMapOfSourcesIsBounded() {
    NewNodeQuota q = new NewNodeQuota(1, 1_000, 10);
    for (int i = 0; i < 1_000; i++) q.take("addr:10.0." + (i / 256) + "." + (i % 256), 0);
    assertThat(q.sources()).isEqualTo(10);
  }
}
