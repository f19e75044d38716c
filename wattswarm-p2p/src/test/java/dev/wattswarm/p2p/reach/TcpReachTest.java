package dev.wattswarm.p2p.reach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.Overlay;
import dev.wattswarm.p2p.gossip.BroadcastConfig;
import dev.wattswarm.p2p.limits.PeerLimits;
import dev.wattswarm.p2p.membership.MembershipConfig;
import dev.wattswarm.p2p.tcp.TcpConfig;
import dev.wattswarm.p2p.tcp.TcpTransport;
import dev.wattswarm.p2p.transport.ThreadScheduler;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Fourteen overlays over real TLS on loopback: every node reaches every other, neighbour or not, directly or by relay. */
@Timeout(180)
class TcpReachTest {
  static final int N = 14;
  final List<TcpTransport> ts = new ArrayList<>();
  final List<ThreadScheduler> ss = new ArrayList<>();
  final List<Overlay> os = new ArrayList<>();
  final Map<NodeId, List<String>> records = new ConcurrentHashMap<>();

  @AfterEach
  void close() {
    os.forEach(Overlay::close);
    ss.forEach(ThreadScheduler::close);
  }

  private void start(int firewalledFrom) {
    for (int i = 0; i < N; i++) {
      TcpTransport t = TcpTransport.start(KeyPair.generate(new SecureRandom()), "net:tcpreach",
          new InetSocketAddress("127.0.0.1", 0), TcpConfig.local());
      ThreadScheduler s = new ThreadScheduler("ws-p2p-" + i, Clock.systemUTC());
      Overlay o = new Overlay(t, s, MembershipConfig.local(), BroadcastConfig.local(), PeerLimits.defaults(), ReachConfig.defaults(),
          new Random(i));
      String me = t.localId().toString();
      o.onRequest((peer, body) -> CompletableFuture.completedFuture((me + "|" + peer + "|" + new String(body)).getBytes()));
      o.addressResolver(id -> records.getOrDefault(id, List.of()));
      // nodes from firewalledFrom on publish an address nobody answers on: only the relay reaches them
      records.put(t.localId(), List.of(i >= firewalledFrom ? "127.0.0.1:1" : t.localAddress()));
      ts.add(t);
      ss.add(s);
      os.add(o);
    }
    for (int i = 1; i < N; i++) os.get(i).join(ts.get(i - 1).localAddress());
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> os.stream().allMatch(o -> !o.neighbours().isEmpty()));
  }

  private void everyoneReachesEveryone() throws Exception {
    List<CompletableFuture<byte[]>> answers = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    // four askers, each asking every other node; one asker at a time so a loaded machine is not
    // also handed fifty TLS handshakes at once
    List<String> failed = new ArrayList<>();
    int done = 0;
    for (int a : new int[] {0, N / 3, 2 * N / 3, N - 1}) {
      for (int b = 0; b < N; b++) {
        if (a == b) continue;
        String q = "q" + a + "-" + b;
        answers.add(os.get(a).request(ts.get(b).localId(), q.getBytes(), 30_000));
        expected.add(ts.get(b).localId() + "|" + ts.get(a).localId() + "|" + q);
      }
      for (; done < answers.size(); done++) {
        try {
          answers.get(done).get(40, TimeUnit.SECONDS);
        } catch (Exception e) {
          // judged below
        }
      }
    }
    for (int k = 0; k < answers.size(); k++) {
      try {
        String got = new String(answers.get(k).get(1, TimeUnit.SECONDS));
        if (!got.equals(expected.get(k))) failed.add(expected.get(k) + " got " + got);
      } catch (Exception e) {
        failed.add(expected.get(k) + ": " + e);
      }
    }
    assertThat(failed).as("%d of %d requests failed", failed.size(), answers.size()).isEmpty();
  }

  @Test
  void everyNodePairAnswersOverDirectLinks() throws Exception {
    start(N);
    everyoneReachesEveryone();
    long dials = os.stream().mapToLong(o -> o.defenseCounters().getOrDefault("reach.dials", 0L)).sum();
    assertThat(dials).as("non-neighbours were dialled directly").isPositive();
    for (Overlay o : os) assertThat(o.neighbours().size()).isLessThanOrEqualTo(MembershipConfig.local().activeSize());
  }

  @Test
  void nodesThatCannotBeDialledAreReachedThroughRelays() throws Exception {
    start(N - 4);
    everyoneReachesEveryone();
    long relayed = os.stream().mapToLong(o -> o.defenseCounters().getOrDefault("relay.asked", 0L)).sum();
    assertThat(relayed).isPositive();
  }

  @Test
  void aClosedNodeIsReportedUnreachableWhileUndialableLiveOnesStillAnswer() throws Exception {
    start(N - 4);
    int gone = N - 1; // undialable: requests to it can only go by relay
    int asker = 0;
    NodeId goneId = ts.get(gone).localId();
    // the asker has a direct link or relay route warmed up before the node goes
    os.get(asker).request(goneId, "hello".getBytes(), 30_000).get(40, TimeUnit.SECONDS);
    os.get(gone).close();
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
      for (int i = 0; i < N - 1; i++) if (os.get(i).neighbours().containsKey(goneId)) return false;
      return true;
    });
    CompletableFuture<byte[]> toGone = os.get(asker).request(goneId, "anyone?".getBytes(), 30_000);
    Throwable failure = null;
    try {
      toGone.get(40, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      failure = e.getCause();
    }
    assertThat(failure).as("the request to the closed node fails as unreachable, not by timeout")
        .isInstanceOf(UnreachableException.class);
    // the other undialable nodes are alive and still reached through relays
    for (int b = N - 4; b < N - 1; b++) {
      String q = "still there " + b;
      byte[] answer = os.get(asker).request(ts.get(b).localId(), q.getBytes(), 30_000).get(40, TimeUnit.SECONDS);
      assertThat(new String(answer)).isEqualTo(ts.get(b).localId() + "|" + ts.get(asker).localId() + "|" + q);
    }
  }
}
