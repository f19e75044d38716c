package dev.wattswarm.node.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.nats.JetStreamSetup;
import dev.wattswarm.nats.NatsConfig;
import dev.wattswarm.nats.NatsLink;
import dev.wattswarm.testkit.NatsServer;
import dev.wattswarm.testkit.StepClock;
import io.nats.client.KeyValue;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leader lease with injected clocks: rounds are run by hand, so nothing depends on timing. */
class LeaderElectionTest {
  static final String NET = "net:leader-test";
  static final long LEASE = 4_000;

  static KeyPair key() {
    return KeyPair.generate(new SecureRandom());
  }

  @Test
  void natsKvOneWinnerATermPerTakeOverAndAStaleLeaderIsFenced() {
    try (NatsServer server = NatsServer.start(); NatsLink link = NatsLink.connect(NatsConfig.of(List.of(server.url())), "t")) {
      KeyValue kv = JetStreamSetup.bucket(link, "WSN_leader_test", 0, 1 << 20);
      StepClock ca = new StepClock(1_000_000);
      StepClock cb = new StepClock(1_000_000);
      KeyPair ka = key();
      KeyPair kb = key();
      KvLeaderElection a = new KvLeaderElection(kv, ka, NET, ca, LEASE, false);
      KvLeaderElection b = new KvLeaderElection(kv, kb, NET, cb, LEASE, false);
      a.round();
      b.round();
      assertThat(a.heldTerm()).isEqualTo(1);
      assertThat(b.heldTerm()).isEqualTo(-1);
      assertThat(b.current().leader()).isEqualTo(ka.id());
      // a renews while alive: b keeps following
      ca.advance(LEASE / 2);
      cb.advance(LEASE / 2);
      a.round();
      b.round();
      assertThat(b.current().leader()).isEqualTo(ka.id());
      // a stops renewing (killed, or cut off from NATS); its own clock ends its term before b takes over
      ca.advance(LEASE);
      assertThat(a.heldTerm()).isEqualTo(-1);
      cb.advance(LEASE);
      b.round();
      assertThat(b.heldTerm()).isEqualTo(2);
      // a comes back and tries to renew its old term: the revision moved, it follows b
      a.round();
      assertThat(a.heldTerm()).isEqualTo(-1);
      assertThat(a.current().leader()).isEqualTo(kb.id());
      assertThat(a.current().term()).isEqualTo(2);
    }
  }

  @Test
  void natsKvForgedEntryIsNotALeader() throws Exception {
    try (NatsServer server = NatsServer.start(); NatsLink link = NatsLink.connect(NatsConfig.of(List.of(server.url())), "t")) {
      KeyValue kv = JetStreamSetup.bucket(link, "WSN_leader_test2", 0, 1 << 20);
      StepClock c = new StepClock(5_000_000);
      KeyPair victim = key();
      // someone with write access puts a lease naming the victim, signed by another key
      byte[] forged = new LeaseRecord(victim.id(), 7, c.millis() + 60_000, NET).sign(key());
      kv.put(KvLeaderElection.KEY, forged);
      KvLeaderElection a = new KvLeaderElection(kv, key(), NET, c, LEASE, false);
      a.round();
      assertThat(a.heldTerm()).isEqualTo(1);
      assertThat(a.current().leader()).isNotEqualTo(victim.id());
    }
  }

  @Test
  void gossipClaimsSettleOnOneLeaderByTermThenHashAndAStaleLeaderYields() {
    StepClock clock = new StepClock(2_000_000);
    KeyPair ka = key();
    KeyPair kb = key();
    GossipLeaderElection a = new GossipLeaderElection(null, ka, NET, clock, LEASE, false);
    GossipLeaderElection b = new GossipLeaderElection(null, kb, NET, clock, LEASE, false);
    a.tick();
    b.tick();
    // both claimed term 1 alone; once the claims cross, both pick the same one
    byte[] claimA = new LeaseRecord(ka.id(), 1, clock.millis() + LEASE, NET).sign(ka);
    byte[] claimB = new LeaseRecord(kb.id(), 1, clock.millis() + LEASE, NET).sign(kb);
    a.offer(claimB);
    b.offer(claimA);
    assertThat(a.current().leader()).isEqualTo(b.current().leader());
    GossipLeaderElection winner = a.current().leader().equals(ka.id()) ? a : b;
    GossipLeaderElection loser = winner == a ? b : a;
    assertThat(winner.heldTerm()).isEqualTo(1);
    assertThat(loser.heldTerm()).isEqualTo(-1);
    // a forged claim (signed by someone else) and a claim for another network change nothing
    KeyPair other = key();
    loser.offer(new LeaseRecord(ka.id(), 9, clock.millis() + LEASE, NET).sign(other));
    loser.offer(new LeaseRecord(other.id(), 9, clock.millis() + LEASE, "net:elsewhere").sign(other));
    assertThat(loser.current().term()).isEqualTo(1);
    // a higher term from a live node wins; the old leader stops acting at once
    KeyPair kc = key();
    winner.offer(new LeaseRecord(kc.id(), 2, clock.millis() + LEASE, NET).sign(kc));
    assertThat(winner.heldTerm()).isEqualTo(-1);
    assertThat(winner.current().leader()).isEqualTo(kc.id());
    // c dies: after the lease, the next claim takes term 3
    clock.advance(LEASE + 1);
    assertThat(winner.current()).isEqualTo(LeaderElection.NONE);
    winner.tick();
    assertThat(winner.current().term()).isEqualTo(3);
  }
}
