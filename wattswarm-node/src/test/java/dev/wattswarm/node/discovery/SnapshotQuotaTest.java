package dev.wattswarm.node.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SnapshotQuotaTest {
  final SecureRandom rng = new SecureRandom();

  @Test
  void aPeerGetsOneSnapshotPerIntervalAndTheMapStaysBounded() {
    Instant[] now = {Instant.ofEpochMilli(1_000_000)};
    Clock clock = new Clock() {
      @Override public Instant instant() { return now[0]; }
      @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId z) { return this; }
    };
    SnapshotQuota q = new SnapshotQuota(1_000, clock);
    NodeId a = KeyPair.generate(rng).id();
    NodeId b = KeyPair.generate(rng).id();
    assertThat(q.allow(a)).isTrue();
    assertThat(q.allow(a)).isFalse();
    assertThat(q.allow(b)).isTrue();
    now[0] = now[0].plusMillis(1_000);
    assertThat(q.allow(a)).isTrue();
    for (int i = 0; i < SnapshotQuota.MAX_PEERS; i++) q.allow(KeyPair.generate(rng).id());
    // a was pushed out by a thousand others: it is served again rather than the map growing
    assertThat(q.allow(a)).isTrue();
  }
}
