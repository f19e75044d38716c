package dev.wattswarm.p2p.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.p2p.transport.Link;
import dev.wattswarm.p2p.transport.TransportException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;

/** Starts transports on 127.0.0.1:0 with a {@link Recorder} each, and closes them after each test. */
@org.junit.jupiter.api.Timeout(120)
abstract class TcpFixture {
  static final SecureRandom RANDOM = new SecureRandom();
  static final String NET = "test-net";
  static final Duration WAIT = Duration.ofSeconds(30);

  final List<TcpTransport> started = new ArrayList<>();
  final Map<TcpTransport, Recorder> recorders = new HashMap<>();

  @AfterEach
  void closeAll() {
    recorders.values().forEach(r -> {
      if (r.gate != null) r.gate.countDown();
    });
    started.forEach(TcpTransport::close);
  }

  TcpTransport start(String network, TcpConfig config) {
    TcpTransport t = TcpTransport.start(KeyPair.generate(RANDOM), network,
        new InetSocketAddress("127.0.0.1", 0), config);
    Recorder r = new Recorder();
    t.setListener(r);
    started.add(t);
    recorders.put(t, r);
    return t;
  }

  TcpTransport start() {
    return start(NET, TcpConfig.defaults());
  }

  Recorder rec(TcpTransport t) {
    return recorders.get(t);
  }

  /** Dials and waits until both ends report the link up; returns the dialer's link. */
  Link link(TcpTransport from, TcpTransport to) throws Exception {
    Link link = from.connect(to.localAddress(), to.localId()).get(10, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> rec(to).ups.size() == 1 && rec(from).ups.size() == 1);
    return link;
  }

  static TransportException failure(CompletableFuture<Link> f, Duration within) throws Exception {
    try {
      Link l = f.get(within.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected the connection to fail, but got " + l);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(TransportException.class);
      return (TransportException) e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("connect neither failed nor succeeded within " + within);
    }
  }

  /** Sends every frame, retrying while the queue is full (never sleeping), within a deadline. */
  static void sendAll(Link link, List<byte[]> frames) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (byte[] f : frames) {
      while (!link.send(f)) {
        assertThat(link.isOpen()).as("link closed while sending: " + link).isTrue();
        assertThat(System.nanoTime()).as("sending timed out").isLessThan(deadline);
        Thread.onSpinWait();
      }
    }
  }

  static List<byte[]> numbered(int n, String tag) {
    List<byte[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) out.add((tag + ":" + i).getBytes(StandardCharsets.UTF_8));
    return out;
  }

}
