package dev.wattswarm.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.p2p.reach.UnreachableException;
import dev.wattswarm.p2p.transport.ThreadScheduler;
import dev.wattswarm.p2p.wire.WireWriter;
import dev.wattswarm.testkit.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request to a node that is gone fails at once with {@link UnreachableException}, never by
 * waiting out its timeout: every request here waits up to five minutes, so a request that ends
 * within the test ended because the substrate knew, not because time ran out. Against a real
 * nats-server; the forger is a raw client that may publish anything, status lines included.
 */
class NatsFailFastTest {
  static final long FIVE_MINUTES = 300_000;
  static final String NET = "net:failfast" + System.nanoTime();

  NatsServer server;
  final List<Node> nodes = new ArrayList<>();

  /** One substrate on its own connection and thread, answering what {@link #answer} gives. */
  final class Node {
    final KeyPair key = KeyPair.generate(new SecureRandom());
    final ThreadScheduler scheduler = new ThreadScheduler("ws-failfast", Clock.systemUTC());
    final NatsLink link;
    final NatsSubstrate sub;
    volatile CompletableFuture<byte[]> answer = CompletableFuture.completedFuture("ok".getBytes(StandardCharsets.UTF_8));
    final AtomicInteger asked = new AtomicInteger();

    Node(NatsConfig cfg) {
      link = NatsLink.connect(cfg, "failfast");
      sub = new NatsSubstrate(link, key, NET, scheduler, t -> false);
      sub.onRequest((peer, body) -> {
        asked.incrementAndGet();
        return answer;
      });
      flush(link.connection()); // our inbox is subscribed on the server from here on
    }

    /** The connection just ends: no goodbye, no unsubscribe. */
    void crash() {
      link.close();
      scheduler.close();
    }

    void close() {
      sub.close();
      link.close();
      scheduler.close();
    }

    long counter(String name) {
      return sub.defenseCounters().getOrDefault(name, 0L);
    }
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

  Node node(NatsConfig cfg) {
    Node n = new Node(cfg);
    nodes.add(n);
    return n;
  }

  /** Member timings that never expire anyone within a test: only the server's word can end a wait. */
  NatsConfig neverExpire() {
    return NatsConfig.of(List.of(server.url())).withMemberTimings(200, 600_000);
  }

  NatsConfig quick() {
    return NatsConfig.of(List.of(server.url())).withMemberTimings(200, 1_500);
  }

  static void flush(Connection c) {
    try {
      c.flush(Duration.ofSeconds(10));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Throwable failure(CompletableFuture<byte[]> f) throws InterruptedException, java.util.concurrent.TimeoutException {
    try {
      f.get(60, TimeUnit.SECONDS); // a guard so a regression fails instead of hanging; the request itself waits 5 minutes
      throw new AssertionError("the request was answered");
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  /** A plain client whose requests tell "no responders" (an exception) from a timeout (a cancellation). */
  Connection probe() throws IOException, InterruptedException {
    return Nats.connect(new io.nats.client.Options.Builder().server(server.url()).reportNoResponders().build());
  }

  /** True once the server answers a request on {@code subject} with "no responders". */
  static boolean nobodyListens(Connection probe, String subject) {
    try {
      probe.requestWithTimeout(subject, null, new byte[1], Duration.ofSeconds(1)).get();
      return false;
    } catch (CancellationException e) {
      return false; // timed out: the server still routes to b's old subscription
    } catch (ExecutionException e) {
      return e.getCause() instanceof io.nats.client.JetStreamStatusException s && s.getStatus().getCode() == 503;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  void forgeStatus(String subject, int code) {
    byte[] h = ("NATS/1.0 " + code + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    rawPublish(("HPUB " + subject + " " + h.length + " " + h.length + "\r\n").getBytes(StandardCharsets.US_ASCII), h);
  }

  /** Publishes through a bare socket, as any client of the broker can: nothing checks what it sends. */
  void rawPublish(byte[] line, byte[] payload) {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      readLine(in); // INFO
      out.write("CONNECT {\"verbose\":false,\"headers\":true,\"protocol\":1}\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(line);
      out.write(payload);
      out.write("\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String reply;
      do {
        reply = readLine(in);
      } while (!reply.startsWith("PONG") && !reply.startsWith("-ERR"));
      assertThat(reply).startsWith("PONG");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static String readLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) b.append((char) c);
    return b.toString();
  }

  @Test
  void aRequestToANodeWhoseConnectionDiedFailsAtOnceOnTheServersNoResponders() throws Exception {
    Node a = node(neverExpire());
    Node b = node(neverExpire());
    await().atMost(Duration.ofSeconds(20)).until(() -> a.sub.neighbours().containsKey(b.key.id()));
    assertThat(a.sub.request(b.key.id(), "live".getBytes(), FIVE_MINUTES).get(60, TimeUnit.SECONDS)).isEqualTo("ok".getBytes());
    b.crash();
    nodes.remove(b);
    try (Connection probe = probe()) {
      // the server drops b's interest when it notices the closed socket; until then nobody can know
      await().atMost(Duration.ofSeconds(30)).until(() -> nobodyListens(probe, NatsNames.inbox(NET, b.key.id())));
    }
    assertThat(a.sub.neighbours()).as("b is still a member: its silence is far from the member timeout").containsKey(b.key.id());
    Throwable t = failure(a.sub.request(b.key.id(), "gone?".getBytes(), FIVE_MINUTES));
    assertThat(t).isInstanceOf(UnreachableException.class).hasMessageContaining("nobody listens on its inbox");
    assertThat(((UnreachableException) t).peer()).isEqualTo(b.key.id());
    assertThat(a.counter("no_responders")).isEqualTo(1);
  }

  @Test
  void aRequestToANodeThatSaidGoodbyeFailsAtOnceEvenWhenSomeoneStillListensOnItsInbox() throws Exception {
    Node a = node(neverExpire());
    Node b = node(neverExpire());
    await().atMost(Duration.ofSeconds(20)).until(() -> a.sub.neighbours().containsKey(b.key.id()));
    List<Message> spied = new CopyOnWriteArrayList<>();
    try (Connection spy = Nats.connect(server.url())) {
      // with a listener on b's inbox the server says nothing: only the membership can tell
      spy.createDispatcher(spied::add).subscribe(NatsNames.inbox(NET, b.key.id()));
      flush(spy);
      b.close();
      nodes.remove(b);
      await().atMost(Duration.ofSeconds(20)).until(() -> !a.sub.neighbours().containsKey(b.key.id()));
      Throwable t = failure(a.sub.request(b.key.id(), "gone?".getBytes(), FIVE_MINUTES));
      assertThat(t).isInstanceOf(UnreachableException.class).hasMessageContaining("left the NATS swarm: it said goodbye");
      flush(a.link.connection());
      flush(spy);
      assertThat(spied).as("nothing was sent to a node known to have left").isEmpty();
    }
  }

  @Test
  void aNodeThatOnlyWentSilentIsStillAskedSinceSilenceProvesNothing() throws Exception {
    Node a = node(quick());
    Node b = node(quick());
    await().atMost(Duration.ofSeconds(20)).until(() -> a.sub.neighbours().containsKey(b.key.id()));
    try (Connection spy = Nats.connect(server.url())) {
      spy.createDispatcher(m -> {}).subscribe(NatsNames.inbox(NET, b.key.id()));
      flush(spy);
      b.crash();
      nodes.remove(b);
      await().atMost(Duration.ofSeconds(20)).until(() -> !a.sub.neighbours().containsKey(b.key.id()));
      // heartbeats lapse on a live node too (a server failover, a long pause): only a goodbye or the
      // server's "no responders" ends a request early, so this one waits out its own timeout
      Throwable t = failure(a.sub.request(b.key.id(), "gone?".getBytes(), 2_000));
      assertThat(t).isInstanceOf(java.util.concurrent.TimeoutException.class);
    }
  }

  @Test
  void aNodeNotSeenYetIsAskedAsUsualAndANodeThatCameBackIsAskedAgain() throws Exception {
    // a first heartbeat a minute away: neither node is a member of the other's view
    NatsConfig slow = NatsConfig.of(List.of(server.url())).withMemberTimings(60_000, 600_000);
    Node a = node(slow);
    Node b = node(slow);
    assertThat(a.sub.neighbours()).isEmpty();
    assertThat(a.sub.request(b.key.id(), "hello".getBytes(), FIVE_MINUTES).get(60, TimeUnit.SECONDS)).isEqualTo("ok".getBytes());

    Node c = node(quick());
    Node d = node(quick());
    await().atMost(Duration.ofSeconds(20)).until(() -> c.sub.neighbours().containsKey(d.key.id()));
    KeyPair dKey = d.key;
    d.close();
    nodes.remove(d);
    await().atMost(Duration.ofSeconds(20)).until(() -> !c.sub.neighbours().containsKey(dKey.id()));
    assertThat(failure(c.sub.request(dKey.id(), "x".getBytes(), FIVE_MINUTES))).isInstanceOf(UnreachableException.class);
    // the same identity back on the swarm: its first heartbeat takes it out of the departed
    ThreadScheduler s = new ThreadScheduler("ws-failfast-back", Clock.systemUTC());
    NatsLink l = NatsLink.connect(quick(), "back");
    NatsSubstrate back = new NatsSubstrate(l, dKey, NET, s, t -> false);
    try {
      back.onRequest((peer, body) -> CompletableFuture.completedFuture("back".getBytes()));
      await().atMost(Duration.ofSeconds(20)).until(() -> c.sub.neighbours().containsKey(dKey.id()));
      assertThat(c.sub.request(dKey.id(), "x".getBytes(), FIVE_MINUTES).get(60, TimeUnit.SECONDS)).isEqualTo("back".getBytes());
    } finally {
      back.close();
      l.close();
      s.close();
    }
  }

  @Test
  void anAnswerGoesOnlyToTheReplySubjectOfTheRequestItself() {
    Node a = node(neverExpire());
    Node b = node(neverExpire());
    byte[] pair = new PairKeys(a.key, NET).with(b.key.id());
    String aReplies = NatsNames.replies(NET, a.key.id());
    String[] elsewhere = {"spy.inbox", aReplies, NatsNames.reply(aReplies, "00112233445566778899aabbccddeeff"),
        NatsNames.replies(NET, b.key.id()) + ".x"};
    for (String replyTo : elsewhere) {
      byte[] nonce = new byte[16];
      new SecureRandom().nextBytes(nonce);
      byte[] body = new WireWriter(PairRpc.REQUEST).node(a.key.id()).node(b.key.id()).fixed(nonce).i64(System.currentTimeMillis())
          .bytes("x".getBytes()).done();
      a.link.connection().publish(NatsNames.inbox(NET, b.key.id()), replyTo, PairKeys.seal(pair, "wattswarm/nats/request/" + NET, body));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> b.counter("misdirected_requests") == elsewhere.length);
    assertThat(b.asked.get()).as("no misdirected request reached the handler").isZero();
    assertThat(b.counter("forged_requests")).isZero();
  }

  @Test
  void forgedStatusAndGarbageOnAReplySubjectCompleteNothingWrongly() throws Exception {
    Node a = node(neverExpire());
    Node b = node(neverExpire());
    CompletableFuture<byte[]> held = new CompletableFuture<>();
    b.answer = held;
    List<String> replyTos = new CopyOnWriteArrayList<>();
    try (Connection spy = Nats.connect(server.url())) {
      spy.createDispatcher(m -> replyTos.add(m.getReplyTo())).subscribe(NatsNames.inbox(NET, b.key.id()));
      flush(spy);
      CompletableFuture<byte[]> first = a.sub.request(b.key.id(), "one".getBytes(), FIVE_MINUTES);
      await().atMost(Duration.ofSeconds(20)).until(() -> replyTos.size() == 1 && b.asked.get() == 1);
      String subject = replyTos.get(0);
      assertThat(subject).startsWith(NatsNames.replies(NET, a.key.id()) + ".");
      forgeStatus(subject, 408); // a status that is not "no responders"
      forgeStatus(NatsNames.reply(NatsNames.replies(NET, a.key.id()), "ffffffffffffffffffffffffffffffff"), 503); // no such request
      rawPublish(("PUB " + subject + " 4\r\n").getBytes(StandardCharsets.US_ASCII), "junk".getBytes(StandardCharsets.US_ASCII));
      await().atMost(Duration.ofSeconds(20)).until(() -> a.counter("ignored_status_messages") == 1 && a.counter("late_no_responders") == 1
          && a.counter("malformed_responses") == 1);
      assertThat(first).isNotDone();
      held.complete("genuine".getBytes());
      assertThat(first.get(60, TimeUnit.SECONDS)).isEqualTo("genuine".getBytes());

      // a forged "no responders" for a waiting request ends the wait, as the server's would: it
      // never answers it (the trust boundary docs/nats.md states)
      b.answer = new CompletableFuture<>();
      CompletableFuture<byte[]> second = a.sub.request(b.key.id(), "two".getBytes(), FIVE_MINUTES);
      await().atMost(Duration.ofSeconds(20)).until(() -> replyTos.size() == 2);
      forgeStatus(replyTos.get(1), 503);
      assertThat(failure(second)).isInstanceOf(UnreachableException.class);
      assertThat(a.counter("no_responders")).isEqualTo(1);
    }
  }
}
