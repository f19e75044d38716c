package dev.wattswarm.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.p2p.gossip.Verdict;
import dev.wattswarm.p2p.transport.ThreadScheduler;
import dev.wattswarm.testkit.NatsServer;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What only the nats substrate does, against a real nats-server -js on a free loopback port:
 * forged requests and gossip ids, durable replay, a NATS restart, two networks on one server, a
 * slow consumer. What every substrate does is in {@link NatsSubstrateBehaviourTest}.
 */
class NatsSubstrateTest {
  static final String NET = "net:test" + System.nanoTime();
  static final String EVENTS = NET + ".global.events";

  NatsServer server;
  final List<Node> nodes = new ArrayList<>();

  /** One substrate with its own connection and thread; messages "signed" by a key the test checks. */
  final class Node implements AutoCloseable {
    final KeyPair key;
    final ThreadScheduler scheduler;
    final NatsLink link;
    final NatsSubstrate sub;
    final List<String> got = new CopyOnWriteArrayList<>();
    final String events;

    Node(KeyPair key, NatsConfig cfg) {
      this(key, cfg, NET);
    }

    Node(KeyPair key, NatsConfig cfg, String net) {
      this.events = net + ".global.events";
      this.key = key;
      this.scheduler = new ThreadScheduler("ws-nats-test", Clock.systemUTC());
      this.link = NatsLink.connect(cfg, "test");
      this.sub = new NatsSubstrate(link, key, net, scheduler, t -> t.endsWith(".events"));
      // the validator accepts only payloads whose id is their hash: a forgery under a known id fails
      sub.subscribe(events, (from, id, p) -> java.util.Arrays.equals(id, Hashes.sha256(p)) ? Verdict.ACCEPT : Verdict.reject("id_mismatch"),
          (t, id, p, from) -> got.add(new String(p, StandardCharsets.UTF_8)));
      sub.onRequest((peer, body) -> CompletableFuture.completedFuture(("re:" + peer + ":" + new String(body, StandardCharsets.UTF_8))
          .getBytes(StandardCharsets.UTF_8)));
    }

    void send(String text) {
      byte[] p = text.getBytes(StandardCharsets.UTF_8);
      sub.publish(events, Hashes.sha256(p), p);
    }

    @Override
    public void close() {
      sub.close();
      link.close();
      scheduler.close();
    }
  }

  NatsConfig cfg() {
    return NatsConfig.of(List.of(server.url())).withMemberTimings(200, 1_500);
  }

  Node node(KeyPair k) {
    Node n = new Node(k, cfg());
    nodes.add(n);
    return n;
  }

  @BeforeEach
  void up() {
    server = NatsServer.start();
  }

  @AfterEach
  void down() {
    for (Node n : nodes) n.close();
    server.close();
  }

  static KeyPair key() {
    return KeyPair.generate(new SecureRandom());
  }

  void allSee(int members) {
    await().atMost(Duration.ofSeconds(20)).until(() -> nodes.stream().allMatch(n -> n.sub.neighbours().size() == members));
  }

  @Test
  void requestsAreAnsweredByTheNodeAskedAndAnswersFromOthersAreRefused() throws Exception {
    Node a = node(key());
    Node b = node(key());
    allSee(1);
    byte[] r = a.sub.request(b.key.id(), "ping".getBytes(StandardCharsets.UTF_8), 5_000).get(10, TimeUnit.SECONDS);
    assertThat(new String(r, StandardCharsets.UTF_8)).isEqualTo("re:" + a.key.id() + ":ping");
    // a forger answers on a's reply subject with junk and with a request it never saw: both dropped
    String aReply = NatsNames.reply(NatsNames.replies(NET, a.key.id()), "00000000000000000000000000000000");
    a.link.connection().publish(aReply, "junk".getBytes(StandardCharsets.UTF_8));
    KeyPair evil = key();
    byte[] body = new dev.wattswarm.p2p.wire.WireWriter(PairRpc.RESPONSE).node(evil.id()).fixed(new byte[32]).fixed(new byte[16])
        .bytes("lie".getBytes()).done();
    a.link.connection().publish(aReply,
        PairKeys.seal(new PairKeys(evil, NET).with(a.key.id()), "wattswarm/nats/response/" + NET, body));
    // a request claiming a as its sender, sealed by someone who is not a, is not answered
    byte[] forged = new dev.wattswarm.p2p.wire.WireWriter(PairRpc.REQUEST).node(a.key.id()).node(b.key.id()).fixed(new byte[16])
        .i64(System.currentTimeMillis()).bytes("x".getBytes()).done();
    b.link.connection().publish(NatsNames.inbox(NET, b.key.id()), aReply,
        PairKeys.seal(new PairKeys(evil, NET).with(b.key.id()), "wattswarm/nats/request/" + NET, forged));
    await().atMost(Duration.ofSeconds(10)).until(() -> a.sub.defenseCounters().getOrDefault("malformed_responses", 0L) == 1
        && b.sub.defenseCounters().getOrDefault("forged_requests", 0L) == 1);
    // a request put to b is answered by b, and c (who saw nothing it can answer) stays quiet
    Node c = node(key());
    allSee(2);
    CompletableFuture<byte[]> toB = a.sub.request(b.key.id(), "again".getBytes(), 5_000);
    assertThat(new String(toB.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8)).endsWith(":again");
    assertThat(c.sub.defenseCounters()).doesNotContainKey("forged_requests");
  }

  @Test
  void aCapturedRequestReplayedOrPointedElsewhereIsNotAnsweredAgain() throws Exception {
    Node a = node(key());
    Node b = node(key());
    allSee(1);
    java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
    b.sub.onRequest((peer, body) -> {
      answered.incrementAndGet();
      return CompletableFuture.completedFuture("ok".getBytes(StandardCharsets.UTF_8));
    });
    // an eavesdropper on b's inbox keeps what it sees
    List<io.nats.client.Message> seen = new CopyOnWriteArrayList<>();
    try (io.nats.client.Connection spy = io.nats.client.Nats.connect(server.url())) {
      spy.createDispatcher(seen::add).subscribe(NatsNames.inbox(NET, b.key.id()));
      spy.flush(Duration.ofSeconds(5));
      assertThat(a.sub.request(b.key.id(), "once".getBytes(StandardCharsets.UTF_8), 5_000).get(10, TimeUnit.SECONDS)).isEqualTo("ok".getBytes());
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
      byte[] captured = seen.get(0).getData();
      spy.publish(NatsNames.inbox(NET, b.key.id()), seen.get(0).getReplyTo(), captured);
      spy.publish(NatsNames.inbox(NET, b.key.id()), "spy.inbox", captured);
      await().atMost(Duration.ofSeconds(10)).until(() -> b.sub.defenseCounters().getOrDefault("replayed_requests", 0L) == 2);
    }
    assertThat(answered.get()).isEqualTo(1);
  }

  @Test
  void forgedMessagesOnTheSubjectAreRefusedAndTheGenuineOneStillArrives() {
    Node a = node(key());
    Node b = node(key());
    allSee(1);
    byte[] genuine = "genuine".getBytes(StandardCharsets.UTF_8);
    String id = Hashes.hex(Hashes.sha256(genuine));
    // a forger publishes a different payload under the genuine id first, then garbage headers
    Headers h = new Headers().put(TopicInbound.ID, id).put(TopicInbound.FROM, a.key.id().toString());
    try {
      a.link.jetStream().publish(EVENTS, h, "forged".getBytes(StandardCharsets.UTF_8));
      a.link.jetStream().publish(EVENTS, new Headers().put(TopicInbound.ID, "zz").put(TopicInbound.FROM, "nobody"), genuine);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    a.send("genuine");
    await().atMost(Duration.ofSeconds(20)).until(() -> b.got.contains("genuine"));
    await().atMost(Duration.ofSeconds(10)).until(() -> b.sub.defenseCounters().getOrDefault("rejected_gossip.id_mismatch", 0L) == 1
        && b.sub.defenseCounters().getOrDefault("rejected_gossip.bad_headers", 0L) == 1);
    assertThat(b.got).containsExactly("genuine");
  }

  /**
   * A node of another release announces itself (validly signed, as an old or newer build would):
   * it is not taken as a member, since neither side understands the other's requests, and it is
   * counted (the log names it once) instead of failing every request sent its way.
   */
  @Test
  void aNodeSpeakingAnotherNatsProtocolIsNotTakenAsAMember() {
    Node a = node(key());
    KeyPair old = key();
    KeyPair newer = key();
    String domain = "wattswarm/nats/member/" + NET;
    byte[] v1 = new dev.wattswarm.p2p.wire.WireWriter(Members.RECORD_V1).node(old.id()).string(NET)
        .i64(System.currentTimeMillis()).u8(0).i32(0).done();
    byte[] v3 = new dev.wattswarm.p2p.wire.WireWriter(Members.RECORD).u8(Members.PROTOCOL + 1).node(newer.id()).string(NET)
        .i64(System.currentTimeMillis()).u8(0).i32(0).done();
    a.link.connection().publish(NatsNames.heartbeats(NET), Signed.sign(old, domain, v1));
    a.link.connection().publish(NatsNames.heartbeats(NET), Signed.sign(newer, domain, v3));
    Node b = node(key());
    allSee(1);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> a.sub.defenseCounters().getOrDefault("rejected_members.other_protocol", 0L) == 2);
    assertThat(a.sub.neighbours()).containsOnlyKeys(b.key.id());
  }

  @Test
  void aNodeThatWasAwayReplaysWhatItMissedFromItsDurableConsumer() {
    KeyPair bk = key();
    Node a = node(key());
    Node b = node(bk);
    allSee(1);
    a.send("before");
    await().atMost(Duration.ofSeconds(20)).until(() -> b.got.contains("before"));
    b.close();
    nodes.remove(b);
    for (int i = 0; i < 10; i++) a.send("away" + i);
    Node b2 = node(bk);
    await().atMost(Duration.ofSeconds(20)).until(() -> b2.got.size() == 10);
    assertThat(b2.got).doesNotContain("before").contains("away0", "away9");
  }

  @Test
  void natsRestartedMidRunNodesReconnectAndCatchUp() {
    Node a = node(key());
    Node b = node(key());
    allSee(1);
    a.send("one");
    await().atMost(Duration.ofSeconds(20)).until(() -> b.got.contains("one"));
    server.stop();
    server.startAgain();
    await().atMost(Duration.ofSeconds(30)).until(() -> a.link.connected() && b.link.connected());
    for (int i = 0; i < 5; i++) a.send("after" + i);
    await().atMost(Duration.ofSeconds(30)).until(() -> b.got.size() == 6);
    allSee(1);
  }

  @Test
  void twoNetworksOnOneNatsDoNotSeeEachOther() {
    String other = "net:other" + System.nanoTime();
    Node a = node(key());
    Node b = node(key());
    Node x = new Node(key(), cfg(), other);
    Node y = new Node(key(), cfg(), other);
    nodes.add(x);
    nodes.add(y);
    allSee(1);
    x.send("in other");
    a.send("in ours");
    await().atMost(Duration.ofSeconds(20)).until(() -> b.got.contains("in ours") && y.got.contains("in other"));
    assertThat(a.sub.neighbours()).containsOnlyKeys(b.key.id());
    assertThat(x.sub.neighbours()).containsOnlyKeys(y.key.id());
    assertThat(b.got).containsExactly("in ours");
    assertThat(y.got).containsExactly("in other");
  }

  @Test
  void aSlowNodeHoldsAtMostMaxAckPendingAndGetsEverythingOnceItCatchesUp() throws Exception {
    Node a = node(key());
    // b's deliveries block until released: JetStream keeps the rest, not b's memory
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    ThreadScheduler s = new ThreadScheduler("slow", Clock.systemUTC());
    NatsLink l = NatsLink.connect(cfg().withMaxAckPending(20), "slow");
    NatsSubstrate b = new NatsSubstrate(l, key(), NET, s, t -> t.endsWith(".events"));
    List<String> got = new CopyOnWriteArrayList<>();
    b.subscribe(EVENTS, (from, id, p) -> Verdict.ACCEPT, (t, id, p, from) -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      got.add(new String(p, StandardCharsets.UTF_8));
    });
    try {
      for (int i = 0; i < 300; i++) a.send("s" + i);
      await().atMost(Duration.ofSeconds(20)).until(() -> b.inHand() == 20);
      assertThat(got).isEmpty();
      release.countDown();
      await().atMost(Duration.ofSeconds(60)).until(() -> got.size() == 300);
      assertThat(new java.util.HashSet<>(got)).hasSize(300);
    } finally {
      release.countDown();
      b.close();
      l.close();
      s.close();
    }
  }
}
