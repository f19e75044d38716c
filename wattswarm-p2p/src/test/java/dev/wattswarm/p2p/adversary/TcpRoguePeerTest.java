package dev.wattswarm.p2p.adversary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.p2p.Overlay;
import dev.wattswarm.p2p.gossip.BroadcastConfig;
import dev.wattswarm.p2p.membership.MembershipConfig;
import dev.wattswarm.p2p.tcp.TcpConfig;
import dev.wattswarm.p2p.tcp.TcpTransport;
import dev.wattswarm.p2p.transport.Link;
import dev.wattswarm.p2p.transport.ThreadScheduler;
import dev.wattswarm.p2p.transport.Transport;
import dev.wattswarm.p2p.wire.FrameType;
import dev.wattswarm.p2p.wire.PeerInfo;
import dev.wattswarm.p2p.wire.WireWriter;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The same defences over real TLS sockets on loopback, against a peer writing raw frames. */
@Timeout(120)
class TcpRoguePeerTest {
  static final String NET = "net:rogue";
  static final Duration WAIT = Duration.ofSeconds(30);
  final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
  }

  Overlay node(int i) {
    TcpTransport t = TcpTransport.start(KeyPair.generate(new SecureRandom()), NET, new InetSocketAddress("127.0.0.1", 0),
        TcpConfig.local().withLiveness(250, 5_000));
    ThreadScheduler s = new ThreadScheduler("ws-p2p-rogue-test-" + i, Clock.systemUTC());
    Overlay o = new Overlay(t, s, MembershipConfig.local(), BroadcastConfig.local(), new Random(i));
    open.add(s);
    open.add(o);
    return o;
  }

  @Test
  void aMisroutedResponseAndAnIdentityClaimAreRefusedAndCounted() throws Exception {
    Overlay a = node(0);
    Overlay b = node(1);
    CompletableFuture<byte[]> held = new CompletableFuture<>();
    b.onRequest((peer, body) -> held);
    b.join(a.transport().localAddress());
    await().atMost(WAIT).until(() -> a.neighbours().containsKey(b.localId()) && b.neighbours().containsKey(a.localId()));

    TcpTransport rogue = TcpTransport.start(KeyPair.generate(new SecureRandom()), NET, new InetSocketAddress("127.0.0.1", 0),
        TcpConfig.local());
    open.add(rogue);
    rogue.setListener(new Transport.Listener() {
      @Override public void linkUp(Link link) {}
      @Override public void frame(Link link, byte[] frame) {}
      @Override public void linkDown(Link link, String reason) {}
    });

    CompletableFuture<byte[]> answer = a.request(b.localId(), "question".getBytes(), 60_000);
    await().atMost(WAIT).until(() -> a.pendingRequests(b.localId()) == 1);
    Link r1 = rogue.connect(a.transport().localAddress(), a.localId()).get(30, TimeUnit.SECONDS);
    r1.send(new WireWriter(FrameType.RESPONSE).i64(1).bytes("forged".getBytes()).done());
    await().atMost(WAIT).until(() -> a.defenseCounters().get("misrouted_responses") == 1);
    assertThat(answer).isNotDone();

    Link r2 = rogue.connect(a.transport().localAddress(), a.localId()).get(30, TimeUnit.SECONDS);
    r2.send(new WireWriter(FrameType.NEIGHBOR).peer(new PeerInfo(b.localId(), rogue.localAddress())).u8(1).done());
    await().atMost(WAIT).until(() -> a.defenseCounters().get("identity_claims") == 1);
    assertThat(a.neighbours().get(b.localId()).address()).isEqualTo(b.transport().localAddress());
    assertThat(a.neighbours()).doesNotContainKey(rogue.localId());
    await().atMost(WAIT).until(() -> !r2.isOpen());

    held.complete("genuine".getBytes());
    assertThat(new String(answer.get(30, TimeUnit.SECONDS))).isEqualTo("genuine");
    assertThat(a.defenseCounters().get("strikes")).isEqualTo(2);
  }
}
