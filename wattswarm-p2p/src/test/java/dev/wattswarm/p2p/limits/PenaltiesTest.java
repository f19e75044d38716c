package dev.wattswarm.p2p.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import org.junit.jupiter.api.Test;

/** Strike records expire with time (not with a disconnect), bans lift, and records are bounded. */
class PenaltiesTest {
  static final PeerLimits LIMITS = new PeerLimits(10, 20, 100, 100, 3, 1_000, 5_000, 4, 8, 8, 8, 1 << 20);

  static NodeId peer(int i) {
    return new KeyPair(Hashes.sha256(new byte[] {(byte) i})).id();
  }

  @Test
  void strikesExpireAfterTheirMemoryAndBansLift() {
    Penalties p = new Penalties(LIMITS);
    NodeId a = peer(1);
    assertThat(p.strike(a, 0)).isFalse();
    assertThat(p.strike(a, 100)).isFalse();
    assertThat(p.strike(a, 6_000)).as("the first two expired").isFalse();
    assertThat(p.strike(a, 6_100)).isFalse();
    assertThat(p.strike(a, 6_200)).as("three within memory").isTrue();
    assertThat(p.banned(a, 7_000)).isTrue();
    assertThat(p.banned(a, 7_200)).isFalse();
    assertThat(p.bans()).isEqualTo(1);
  }

  @Test
  void aRateBucketIsNotRefilledByComingBackAndIdleRecordsAreSwept() {
    Penalties p = new Penalties(LIMITS);
    NodeId a = peer(2);
    int admitted = 0;
    for (int i = 0; i < 100; i++) if (p.admitFrame(a, 0)) admitted++;
    assertThat(admitted).isEqualTo(20);
    p.sweep(10); // still owes tokens: the record stays, so a reconnect gets no fresh burst
    assertThat(p.admitFrame(a, 10)).isFalse();
    p.sweep(10_000);
    assertThat(p.trackedPeers()).isZero();
  }

  @Test
  void recordsAreBoundedAndABannedPeerIsKeptOverOthers() {
    Penalties p = new Penalties(LIMITS);
    NodeId banned = peer(3);
    for (int i = 0; i < 3; i++) p.strike(banned, 0);
    for (int i = 10; i < 30; i++) p.admitFrame(peer(i), 0);
    assertThat(p.trackedPeers()).isEqualTo(4);
    assertThat(p.banned(banned, 10)).isTrue();
  }
}
