package dev.wattswarm.p2p.adversary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.Overlay;
import dev.wattswarm.p2p.gossip.BroadcastConfig;
import dev.wattswarm.p2p.limits.PeerLimits;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

/**
 * Up to a third of a 10-50 node swarm is Byzantine and runs every attack it has, while honest
 * nodes broadcast and ask each other questions. Seeded: the seed is in every failure message, and
 * {@code -Dwattswarm.seed=N} replays one.
 */
@Timeout(300)
class ByzantineSwarmTest {
  static final BroadcastConfig BCFG = new BroadcastConfig(20, 60, 30, 20_000, 64 * 1024, 1_000, 256, 256, 512, 4_096, 16, 256);
  static final PeerLimits LIMITS = new PeerLimits(20_000, 40_000, 10_000, 20_000, 5, 60_000, 600_000, 256, 64, 64, 1_024,
      8L << 20);

  @RepeatedTest(3)
  void honestNodesGetEveryHonestBroadcastAndNeverBanEachOther() {
    Long fixed = Long.getLong("wattswarm.seed");
    long seed = fixed != null ? fixed : new Random().nextLong();
    String why = "seed " + seed + " (replay with -Dwattswarm.seed=" + seed + ")";
    System.out.println("ByzantineSwarmTest " + why);
    Random r = new Random(seed);
    int n = 10 + r.nextInt(41);
    int bad = 1 + r.nextInt(n / 3);
    int honest = n - bad;
    SimCluster c = new SimCluster(seed, honest, BCFG, LIMITS);
    c.net.loss(0.01);
    List<Byzantine> byz = new ArrayList<>();
    for (int i = 0; i < bad; i++) byz.add(c.byzantine());
    c.joinAll();
    for (Byzantine b : byz) b.overlay().join(c.transports.get(r.nextInt(honest)).localAddress());
    for (Overlay o : c.nodes) o.onRequest((peer, body) -> new CompletableFuture<>()); // questions stay open
    c.net.scheduler().runFor(5_000);

    List<byte[]> ids = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      // honest nodes ask their neighbours, so there are requests to misroute answers to
      for (int i = 0; i < honest; i++) {
        for (NodeId p : c.nodes.get(i).neighbours().keySet()) c.nodes.get(i).request(p, new byte[] {1}, 3_000);
      }
      List<String> texts = new ArrayList<>();
      for (int m = 0; m < 4; m++) texts.add("round " + round + " message " + m + " " + r.nextLong());
      for (Byzantine b : byz) {
        var target = c.info(r.nextInt(honest));
        var victim = c.id(r.nextInt(honest));
        switch ((round + byz.indexOf(b)) % 5) {
          case 0 -> b.claimIdentity(target, victim);
          case 1 -> b.misroutedResponses(target, 40);
          case 2 -> {
            b.malformedAddresses(target);
            b.freshLinks();
            b.malformedAnnouncement(target);
          }
          case 3 -> {
            b.oversizedGossip(target, SimCluster.TOPIC, BCFG.maxPayloadBytes());
            b.freshLinks();
            b.ihaveFlood(target, SimCluster.TOPIC, BCFG.maxIhaveIds(), 3);
          }
          default -> b.directoryFlood(target, 50, 8);
        }
        b.freshLinks();
        // forge every message of this round before its author sends it
        for (String t : texts) b.forgedGossip(c.info(r.nextInt(honest)), SimCluster.TOPIC, Hashes.sha256(t.getBytes()));
      }
      c.net.scheduler().runFor(200);
      for (String t : texts) ids.add(c.publish(r.nextInt(honest), t));
      c.net.scheduler().runFor(2_000);
    }
    boolean all = c.net.scheduler().runUntil(() -> c.allHave(ids), 60_000);
    int missing = 0;
    for (var got : c.delivered) for (byte[] id : ids) if (!got.contains(java.nio.ByteBuffer.wrap(id))) missing++;
    assertThat(all).as("every honest node got every honest broadcast; %d deliveries missing; %s", missing, why).isTrue();
    assertThat(c.forgedDeliveries).as(why).isEmpty();

    Set<NodeId> honestIds = new HashSet<>();
    for (int i = 0; i < honest; i++) honestIds.add(c.id(i));
    for (int i = 0; i < honest; i++) {
      Set<NodeId> banned = new HashSet<>(c.nodes.get(i).bannedPeers());
      banned.retainAll(honestIds);
      assertThat(banned).as("honest node %d banned honest nodes; %s", i, why).isEmpty();
      Map<String, Long> sizes = c.nodes.get(i).boundedSizes();
      assertThat(sizes.get("penalty_records")).as(why).isLessThanOrEqualTo(LIMITS.maxTrackedPeers());
      assertThat(sizes.get("pending_requests")).as(why).isLessThanOrEqualTo((long) LIMITS.maxPendingRequestsPerPeer() * n);
      assertThat(sizes.get("directory_topics")).as(why).isLessThanOrEqualTo(BCFG.directoryTopics());
      assertThat(sizes.get("directory_peers")).as(why).isLessThanOrEqualTo(BCFG.directoryTopics());
      assertThat(sizes.get("ihave_missing_max_peer")).as(why).isLessThanOrEqualTo(BCFG.maxMissingPerPeer());
      assertThat(sizes.get("ihave_missing_max_topic")).as(why).isLessThanOrEqualTo(BCFG.maxMissingTotal());
    }
    List<String> attacks = List.of("identity_claims", "bad_addresses", "rejected_gossip.id_mismatch",
        "strikes.oversized_gossip", "strikes.oversized_ihave", "strikes.invalid_gossip");
    for (String key : attacks) {
      // an attack sent after its target banned the attacker shows as a frame refused from a banned peer
      long shown = c.total(key) > 0 ? c.total(key) : c.total("dropped_frames.banned");
      assertThat(shown).as("%s shows in defenseCounters(); %s", key, why).isPositive();
    }
    assertThat(c.total("misrouted_responses") + c.total("unsolicited_responses") + c.total("late_responses"))
        .as("forged answers are counted; %s", why).isPositive();
    assertThat(c.total("strikes")).as("the attackers were struck; %s", why).isPositive();
  }
}
