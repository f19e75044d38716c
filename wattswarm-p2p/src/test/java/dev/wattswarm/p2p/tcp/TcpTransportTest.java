package dev.wattswarm.p2p.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.p2p.transport.Link;
import dev.wattswarm.p2p.transport.TransportException;
import dev.wattswarm.p2p.transport.TransportException.Kind;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

class TcpTransportTest extends TcpFixture {
  /** Liveness for the silence tests: declared dead after 300 ms, so they wait on the test's own timer. */
  static final TcpConfig QUICK = TcpConfig.defaults().withLiveness(100, 300);

  @Test
  void linksComeUpOnBothSidesAndFramesFlowInOrderBothWays() throws Exception {
    TcpTransport a = start();
    TcpTransport b = start();
    assertThat(a.localAddress()).startsWith("127.0.0.1:").doesNotEndWith(":0");

    Link ab = link(a, b);
    Link ba = rec(b).only();
    assertThat(rec(a).only()).isSameAs(ab);
    assertThat(ab.peer()).isEqualTo(b.localId());
    assertThat(ab.inbound()).isFalse();
    assertThat(ab.peerListenAddress()).isEqualTo(b.localAddress());
    assertThat(ba.peer()).isEqualTo(a.localId());
    assertThat(ba.inbound()).isTrue();
    assertThat(ba.peerListenAddress()).isEqualTo(a.localAddress());

    int n = 10_000;
    List<byte[]> toB = numbered(n, "a->b");
    List<byte[]> toA = numbered(n, "b->a");
    Thread sender = Thread.ofVirtual().start(() -> sendAll(ba, toA));
    sendAll(ab, toB);
    sender.join();
    await().atMost(WAIT).until(() -> rec(b).framesOf(ba).size() == n && rec(a).framesOf(ab).size() == n);
    for (int i = 0; i < n; i++) {
      assertThat(rec(b).framesOf(ba).get(i)).isEqualTo(toB.get(i));
      assertThat(rec(a).framesOf(ab).get(i)).isEqualTo(toA.get(i));
    }
    assertThat(rec(a).downs).isEmpty();
    assertThat(rec(b).downs).isEmpty();
  }

  @Test
  void frameAtTheCapPassesAndOverTheCapSendThrows() throws Exception {
    TcpTransport a = start();
    TcpTransport b = start();
    Link ab = link(a, b);
    int cap = a.config().maxFrameBytes();
    byte[] big = new byte[cap];
    RANDOM.nextBytes(big);

    assertThat(ab.send(big)).isTrue();
    Link ba = rec(b).only();
    await().atMost(WAIT).until(() -> rec(b).framesOf(ba).size() == 1);
    assertThat(Arrays.equals(rec(b).framesOf(ba).get(0), big)).isTrue();

    assertThatThrownBy(() -> ab.send(new byte[cap + 1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("frame of " + (cap + 1) + " bytes over the cap " + cap);
    assertThat(ab.isOpen()).isTrue();
  }

  @Test
  void incomingFrameOverTheCapClosesTheLinkAsAProtocolViolation() throws Exception {
    TcpTransport a = start(NET, TcpConfig.defaults().withMaxFrameBytes(1 << 20));
    TcpTransport b = start(NET, TcpConfig.defaults().withMaxFrameBytes(64 * 1024));
    Link ab = link(a, b);
    Link ba = rec(b).only();

    assertThat(ab.send(new byte[100_000])).isTrue();
    await().atMost(WAIT).until(() -> rec(b).downs.containsKey(ba) && rec(a).downs.containsKey(ab));
    assertThat(rec(b).downs.get(ba)).contains("frame of 100000 bytes over the cap 65536");
    assertThat(b.protocolViolations()).isEqualTo(1);
    assertThat(rec(b).framesOf(ba)).isEmpty();
    assertThat(rec(b).downCounts.get(ba).get()).isEqualTo(1);
  }

  @Test
  void unexpectedNodeIdFailsWithWrongPeerAndNothingIsDelivered() throws Exception {
    TcpTransport a = start();
    TcpTransport b = start();
    KeyPair someoneElse = KeyPair.generate(RANDOM);

    TransportException e = failure(a.connect(b.localAddress(), someoneElse.id()), WAIT);
    assertThat(e.kind()).isEqualTo(Kind.WRONG_PEER);
    assertThat(e.getMessage()).contains(someoneElse.id().toString()).contains(b.localId().toString());
    await().atMost(WAIT).until(() -> b.rejectedPeers() == 1);
    assertThat(rec(a).ups).isEmpty();
    assertThat(rec(b).ups).isEmpty();
    assertThat(rec(a).frameCount() + rec(b).frameCount()).isZero();
  }

  @Test
  void differentNetworkFailsWithWrongNetworkAndIsCountedByTheListener() throws Exception {
    TcpTransport a = start("alpha-net", TcpConfig.defaults());
    TcpTransport b = start("beta-net", TcpConfig.defaults());

    TransportException e = failure(a.connect(b.localAddress(), b.localId()), WAIT);
    assertThat(e.kind()).isEqualTo(Kind.WRONG_NETWORK);
    assertThat(e.getMessage()).contains("alpha-net").contains("beta-net");
    await().atMost(WAIT).until(() -> b.rejectedPeers() == 1);
    assertThat(rec(a).ups).isEmpty();
    assertThat(rec(b).ups).isEmpty();
  }

  @Test
  void connectingToOurselvesIsRefused() throws Exception {
    TcpTransport a = start();
    TransportException e = failure(a.connect(a.localAddress(), null), WAIT);
    assertThat(e.kind()).isEqualTo(Kind.WRONG_PEER);
    assertThat(e.getMessage()).contains("ourselves");
    assertThat(rec(a).ups).isEmpty();
  }

  @Test
  void garbageBadCertificatesAndBadHellosAreDroppedAndCountedWhileRealPeersAreServed() throws Exception {
    TcpTransport b = start();
    String addr = b.localAddress();
    KeyPair attacker = KeyPair.generate(RANDOM);
    KeyPair victim = KeyPair.generate(RANDOM);
    var attackerKey = NodeCertificates.privateKey(attacker.secretForStorage());

    // 1. not TLS at all
    Socket garbage = RoguePeers.tcp(addr);
    garbage.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(RoguePeers.droppedByServer(garbage)).isTrue();
    await().atMost(WAIT).until(() -> b.rejectedPeers() == 1);

    // 2. TLS with an ECDSA certificate instead of an Ed25519 node certificate
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(256);
    java.security.KeyPair ecKeys = ec.generateKeyPair();
    var ecCert = NodeCertificates.build(ecKeys.getPublic(), ecKeys.getPrivate(), "SHA256withECDSA", "rogue");
    assertThat(RoguePeers.droppedByServer(RoguePeers.tlsClient(addr, ecCert, ecKeys.getPrivate()))).isTrue();
    await().atMost(WAIT).until(() -> b.rejectedPeers() == 2);

    // 3. a forged certificate: the victim's key as subject, signed by the attacker
    var forged = NodeCertificates.build(NodeCertificates.publicKey(victim.id().keyBytes()), attackerKey, "Ed25519",
        victim.id().toString());
    assertThat(RoguePeers.droppedByServer(RoguePeers.tlsClient(addr, forged, attackerKey))).isTrue();
    await().atMost(WAIT).until(() -> b.rejectedPeers() == 3);

    // 4. the victim's genuine (public) certificate replayed without its secret: no proof of possession
    var stolen = NodeCertificates.selfSigned(victim);
    assertThat(RoguePeers.droppedByServer(RoguePeers.tlsClient(addr, stolen, attackerKey))).isTrue();
    await().atMost(WAIT).until(() -> b.rejectedPeers() == 4);

    // 5. a genuine node whose first frame claims 2 GiB
    SSLSocket huge = RoguePeers.nodeClient(addr, attacker);
    huge.startHandshake();
    new DataOutputStream(huge.getOutputStream()).writeInt(Integer.MAX_VALUE);
    assertThat(RoguePeers.droppedByServer(huge)).isTrue();
    await().atMost(WAIT).until(() -> b.rejectedPeers() == 5);

    // 6. a genuine node whose hello is malformed
    SSLSocket bad = RoguePeers.nodeClient(addr, attacker);
    bad.startHandshake();
    var out = new DataOutputStream(bad.getOutputStream());
    Frames.write(out, Frames.HELLO, new byte[] {0, 1, 0, 50, 'x'});
    out.flush();
    assertThat(RoguePeers.droppedByServer(bad)).isTrue();
    await().atMost(WAIT).until(() -> b.rejectedPeers() == 6);

    // 7. a genuine node of an older build (link protocol 1: no relay NACKs) is told apart, not half-served
    SSLSocket old = RoguePeers.nodeClient(addr, attacker);
    old.startHandshake();
    var oldOut = new DataOutputStream(old.getOutputStream());
    Frames.write(oldOut, Frames.HELLO, new Hello(Hello.VERSION - 1, NET, "127.0.0.1:1").encode());
    oldOut.flush();
    assertThat(RoguePeers.droppedByServer(old)).isTrue();
    await().atMost(WAIT).until(() -> b.rejectedPeers() == 7);

    assertThat(rec(b).ups).isEmpty();
    TcpTransport a = start();
    Link ab = link(a, b);
    assertThat(ab.send("still serving".getBytes(StandardCharsets.UTF_8))).isTrue();
    await().atMost(WAIT).until(() -> rec(b).frameCount() == 1);
    assertThat(b.rejectedPeers()).isEqualTo(7);
  }

  @Test
  void aConnectionThatNeverCompletesItsHandshakeIsDroppedAtTheDeadline() throws Exception {
    TcpTransport b = start(NET, TcpConfig.defaults().withHandshakeTimeoutMs(300));
    Socket silent = RoguePeers.tcp(b.localAddress());
    long t0 = System.nanoTime();
    assertThat(RoguePeers.droppedByServer(silent)).isTrue();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("not before the deadline").isGreaterThanOrEqualTo(250L);
    await().atMost(WAIT).until(() -> b.rejectedPeers() == 1);
  }

  @Test
  void aFrozenInboundPeerIsDeclaredDownByTheSilenceTimer() throws Exception {
    TcpTransport b = start(NET, QUICK);
    KeyPair frozen = KeyPair.generate(RANDOM);
    try (SSLSocket s = RoguePeers.nodeClient(b.localAddress(), frozen)) {
      s.startHandshake();
      RoguePeers.sendHello(s, NET, "127.0.0.1:9");
      await().atMost(WAIT).until(() -> rec(b).ups.size() == 1);
      Link link = rec(b).only();
      assertThat(link.peer()).isEqualTo(frozen.id());
      // from now on the peer sends nothing and reads nothing, but its socket stays open
      await().atMost(WAIT).until(() -> rec(b).downs.containsKey(link));
      long ms = TimeUnit.NANOSECONDS.toMillis(rec(b).downAtNanos.get(link) - rec(b).upAtNanos.get(link));
      System.out.println("frozen inbound peer declared down after " + ms + " ms: " + rec(b).downs.get(link));
      assertThat(rec(b).downs.get(link)).startsWith("peer silent for");
      // a slow machine only makes it later: the lower bound is the timer's, the upper one is WAIT
      assertThat(ms).as("declared down by the silence timer, not earlier").isGreaterThanOrEqualTo(QUICK.deadAfterMs() - 50);
    }
  }

  @Test
  void aFrozenPeerWeDialedIsDeclaredDownByTheSilenceTimer() throws Exception {
    TcpTransport a = start(NET, QUICK);
    KeyPair frozen = KeyPair.generate(RANDOM);
    try (var server = new RoguePeers.FrozenServer(frozen, NET)) {
      Link link = a.connect(server.address(), frozen.id()).get(10, TimeUnit.SECONDS);
      await().atMost(WAIT).until(() -> rec(a).downs.containsKey(link));
      long ms = TimeUnit.NANOSECONDS.toMillis(rec(a).downAtNanos.get(link) - rec(a).upAtNanos.get(link));
      System.out.println("frozen dialed peer declared down after " + ms + " ms: " + rec(a).downs.get(link));
      assertThat(rec(a).downs.get(link)).startsWith("peer silent for");
      assertThat(ms).as("declared down by the silence timer, not earlier").isGreaterThanOrEqualTo(QUICK.deadAfterMs() - 50);
    }
  }

  @Test
  void aPeerThatGoesAwayIsNoticedQuickly() throws Exception {
    TcpTransport a = start();
    TcpTransport b = start();
    Link ab = link(a, b);
    long t0 = System.nanoTime();
    b.close();
    await().atMost(WAIT).until(() -> rec(a).downs.containsKey(ab));
    long ms = TimeUnit.NANOSECONDS.toMillis(rec(a).downAtNanos.get(ab) - t0);
    System.out.println("closed peer noticed after " + ms + " ms: " + rec(a).downs.get(ab));
    assertThat(ab.isOpen()).isFalse();
    assertThat(ab.send(new byte[1])).isFalse();
  }

  @Test
  void anIdleLinkIsKeptAliveByPings() throws Exception {
    // pings far more often than the silence limit, so a loaded machine does not fake a dead peer
    TcpConfig lively = TcpConfig.defaults().withLiveness(50, 5_000);
    TcpTransport a = start(NET, lively);
    TcpTransport b = start(NET, lively);
    Link ab = link(a, b);
    Link ba = rec(b).only();
    await().during(Duration.ofMillis(1_000)).atMost(WAIT)
        .until(() -> ab.isOpen() && ba.isOpen());
    assertThat(((TcpLink) ab).rttMicros()).isGreaterThanOrEqualTo(0);
    assertThat(rec(a).frameCount() + rec(b).frameCount()).as("pings are never delivered").isZero();
  }

  @Test
  void aReceiverThatStopsReadingMakesSendReturnFalse() throws Exception {
    // 16 frames of 1 MiB would be 16 MiB: the 2 MiB byte bound must refuse first
    TcpTransport a = start(NET, TcpConfig.defaults().withSendQueueFrames(16).withMaxFrameBytes(1 << 20).withSendQueueBytes(2L << 20));
    TcpTransport b = start();
    Link ab = link(a, b);
    Link ba = rec(b).only();
    rec(b).gate = new CountDownLatch(1);
    byte[] frame = new byte[1 << 20];
    long t0 = System.nanoTime();

    var accepted = new java.util.concurrent.atomic.AtomicInteger();
    java.util.function.BooleanSupplier sendOne = () -> {
      boolean ok = ab.send(frame);
      if (ok) accepted.incrementAndGet();
      return ok;
    };
    while (accepted.get() < 100_000 && sendOne.getAsBoolean()) {
      // fill the queue as fast as possible
    }
    // keeps refusing: the writer is stuck behind a peer that does not read, the queue stays full
    await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> !sendOne.getAsBoolean());
    System.out.println("sender accepted " + accepted + " frames of 1 MiB before refusing for 500 ms (T+"
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms)");
    assertThat(accepted.get()).isLessThan(100_000);
    assertThat(ab.isOpen()).isTrue();
    assertThat(((TcpLink) ab).queuedBytes()).as("the queue is bounded in bytes, not only in frames")
        .isLessThanOrEqualTo(a.config().sendQueueBytes());

    rec(b).gate.countDown();
    await().atMost(WAIT).until(() -> rec(b).framesOf(ba).size() == accepted.get());
    System.out.println("all delivered at T+" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
    await().atMost(WAIT).until(() -> ab.send(frame));
  }

  @Test
  void unreachableAddressFailsFastWithTheAddress() throws Exception {
    TcpTransport a = start();
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    String addr = "127.0.0.1:" + port;
    long t0 = System.nanoTime();
    TransportException e = failure(a.connect(addr, null), Duration.ofSeconds(2));
    System.out.println("unreachable reported after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
    assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
    assertThat(e.getMessage()).contains(addr);
  }

  @Test
  void aListenerThatNeverAnswersTheHandshakeTimesOut() throws Exception {
    TcpTransport a = start(NET, TcpConfig.defaults().withHandshakeTimeoutMs(300));
    try (ServerSocket mute = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"))) {
      TransportException e = failure(a.connect("127.0.0.1:" + mute.getLocalPort(), null), WAIT);
      assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
      assertThat(e.getMessage()).contains("300 ms");
    }
  }

  @Test
  void malformedAddressesAreRejectedNamingThem() {
    TcpTransport a = start();
    for (String bad : List.of("nohost", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:70000", ":80", "::1:80", "")) {
      assertThatThrownBy(() -> a.connect(bad, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad.isEmpty() ? "empty" : bad);
    }
  }

  @Test
  void closeTakesEveryLinkDownStopsItsThreadsAndIsIdempotent() throws Exception {
    TcpTransport a = start();
    TcpTransport b = start();
    TcpTransport c = start();
    Link ab = link(a, b);
    Link ac = a.connect(c.localAddress(), c.localId()).get(10, TimeUnit.SECONDS);

    a.close();
    assertThat(rec(a).downs).containsOnlyKeys(ab, ac);
    assertThat(rec(a).downs.values()).containsOnly("transport closed");
    assertThat(a.liveThreads()).isZero();
    a.close();
    assertThat(rec(a).downCounts.get(ab).get()).isEqualTo(1);
    await().atMost(WAIT).until(() -> rec(b).downs.size() == 1 && rec(c).downs.size() == 1);

    TransportException e = failure(a.connect(b.localAddress(), null), WAIT);
    assertThat(e.kind()).isEqualTo(Kind.CLOSED);
    assertThatThrownBy(() -> new Socket("127.0.0.1", Integer.parseInt(a.localAddress().split(":")[1])).close())
        .isInstanceOf(java.net.ConnectException.class);
    assertThat(rec(a).framesAfterDown.get() + rec(b).framesAfterDown.get()).isZero();
  }

  @Test
  void configPresetsAreSaneAndBadValuesAreRefused() {
    TcpConfig d = TcpConfig.defaults();
    assertThat(d.maxFrameBytes()).isEqualTo(4 << 20);
    assertThat(d.sendQueueFrames()).isEqualTo(1024);
    assertThat(d.pingIntervalMs()).isEqualTo(500);
    assertThat(d.deadAfterMs()).isEqualTo(1500);
    assertThat(TcpConfig.wan().deadAfterMs()).isGreaterThan(TcpConfig.lan().deadAfterMs());
    assertThat(TcpConfig.lan().deadAfterMs()).isGreaterThan(TcpConfig.local().deadAfterMs());
    assertThatThrownBy(() -> d.withLiveness(1000, 1000)).hasMessageContaining("deadAfterMs");
    assertThatThrownBy(() -> d.withSendQueueFrames(0)).hasMessageContaining("sendQueueFrames");
  }

  @Test
  void theCertificateCarriesTheNodeIdAndForgeriesAreRefused() throws Exception {
    KeyPair node = KeyPair.generate(RANDOM);
    KeyPair attacker = KeyPair.generate(RANDOM);
    var genuine = NodeCertificates.selfSigned(node);
    assertThat(NodeCertificates.nodeIdOf(new Certificate[] {genuine})).isEqualTo(node.id());
    assertThat(genuine.getPublicKey().getEncoded()).endsWith(node.id().keyBytes());

    var forged = NodeCertificates.build(NodeCertificates.publicKey(node.id().keyBytes()),
        NodeCertificates.privateKey(attacker.secretForStorage()), "Ed25519", node.id().toString());
    assertThatThrownBy(() -> NodeCertificates.nodeIdOf(new Certificate[] {forged}))
        .isInstanceOf(CertificateException.class).hasMessageContaining("not self-signed");
    assertThatThrownBy(() -> NodeCertificates.nodeIdOf(new Certificate[] {genuine, genuine}))
        .isInstanceOf(CertificateException.class).hasMessageContaining("exactly one");
    assertThatThrownBy(() -> new NodeTrustManager(null, attacker.id()).checkServerTrusted(
        new X509Certificate[] {genuine}, "EdDSA")).hasMessageContaining("expected node " + attacker.id());
  }
}
