package dev.wattswarm.p2p.suite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.Overlay;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The substrate's behaviour, written once and run over every implementation: membership,
 * broadcast, request/response, failure handling and penalties for malformed frames.
 */
@org.junit.jupiter.api.Timeout(180)
abstract class OverlayBehaviourSuite {
  static final String TOPIC = "net:test.global.events";
  static final int N = 8;

  OverlayEnv env;
  List<Overlay> nodes;
  final List<Set<ByteBuffer>> got = new ArrayList<>();
  final AtomicLong duplicates = new AtomicLong();

  abstract OverlayEnv env();

  void startAndJoin() {
    env = env();
    nodes = env.start(N);
    for (int i = 0; i < N; i++) {
      Set<ByteBuffer> mine = ConcurrentHashMap.newKeySet();
      got.add(mine);
      nodes.get(i).subscribe(TOPIC, (t, id, payload, from) -> {
        if (!mine.add(ByteBuffer.wrap(id))) duplicates.incrementAndGet();
      });
    }
    for (int i = 1; i < N; i++) nodes.get(i).join(nodes.get(i - 1 > 0 ? (i - 1) / 2 : 0).transport().localAddress());
    assertThat(env.await(this::connected, 20_000)).as("overlay connected").isTrue();
  }

  @AfterEach
  void stop() {
    if (env != null) env.close();
  }

  /** Every node reachable from node 0 through neighbour links. */
  boolean connected() {
    Set<NodeId> seen = new HashSet<>();
    List<Overlay> frontier = new ArrayList<>(List.of(nodes.get(0)));
    seen.add(nodes.get(0).transport().localId());
    while (!frontier.isEmpty()) {
      Overlay o = frontier.remove(frontier.size() - 1);
      for (NodeId p : o.neighbours().keySet()) {
        if (seen.add(p)) {
          for (Overlay x : nodes) if (x.transport().localId().equals(p)) frontier.add(x);
        }
      }
    }
    return seen.size() == nodes.size();
  }

  byte[] publish(int from, String text) {
    byte[] payload = text.getBytes();
    byte[] id = Hashes.sha256(payload);
    got.get(from).add(ByteBuffer.wrap(id));
    nodes.get(from).publish(TOPIC, id, payload);
    return id;
  }

  boolean everyoneHas(byte[] id, Set<Integer> except) {
    for (int i = 0; i < N; i++) if (!except.contains(i) && !got.get(i).contains(ByteBuffer.wrap(id))) return false;
    return true;
  }

  @Test
  void membershipFormsAConnectedOverlayWithBoundedViews() {
    startAndJoin();
    for (Overlay o : nodes) assertThat(o.neighbours().size()).isBetween(1, 5);
  }

  @Test
  void aBroadcastReachesEveryNodeExactlyOnce() {
    startAndJoin();
    List<byte[]> ids = new ArrayList<>();
    for (int m = 0; m < 20; m++) ids.add(publish(m % N, "m" + m));
    assertThat(env.await(() -> ids.stream().allMatch(id -> everyoneHas(id, Set.of())), 20_000)).isTrue();
    assertThat(duplicates.get()).isZero();
  }

  @Test
  void requestAndResponseBetweenNeighbours() throws Exception {
    startAndJoin();
    for (Overlay o : nodes) o.onRequest((peer, body) -> CompletableFuture.completedFuture(("echo:" + new String(body)).getBytes()));
    NodeId neighbour = nodes.get(3).neighbours().keySet().iterator().next();
    CompletableFuture<byte[]> answer = nodes.get(3).request(neighbour, "ping".getBytes(), 5_000);
    assertThat(env.await(answer::isDone, 10_000)).isTrue();
    assertThat(new String(answer.get())).isEqualTo("echo:ping");
    // a peer that never answers: the request times out instead of hanging
    for (Overlay o : nodes) o.onRequest((peer, body) -> new CompletableFuture<>());
    CompletableFuture<byte[]> silent = nodes.get(3).request(neighbour, "ping".getBytes(), 500);
    assertThat(env.await(silent::isDone, 10_000)).isTrue();
    assertThat(silent).isCompletedExceptionally();
  }

  @Test
  void aCrashedNodeIsDroppedAndTheRestStillGetEverything() {
    startAndJoin();
    env.crash(2);
    assertThat(env.await(() -> nodes.stream().filter(o -> o != nodes.get(2))
        .noneMatch(o -> o.neighbours().containsKey(nodes.get(2).transport().localId())), 20_000))
        .as("no one keeps the crashed node as a neighbour").isTrue();
    byte[] id = publish(0, "after the crash");
    assertThat(env.await(() -> everyoneHas(id, Set.of(2)), 20_000)).isTrue();
  }

  @Test
  void malformedFramesArePenalisedAndTheNodeCarriesOn() {
    startAndJoin();
    env.sendRaw(1, 4, new byte[] {(byte) 0x14, 0, 0, 0, 99}); // a GOSSIP frame cut short
    env.sendRaw(1, 4, new byte[] {(byte) 0x77});              // an unknown frame type
    assertThat(env.await(() -> nodes.get(4).violations() >= 2, 10_000)).isTrue();
    byte[] id = publish(4, "still here");
    assertThat(env.await(() -> everyoneHas(id, Set.of()), 20_000)).isTrue();
  }

  @Test
  void aPeerThatKeepsMisbehavingIsBanned() {
    startAndJoin();
    for (int i = 0; i < 6; i++) env.sendRaw(1, 4, new byte[] {(byte) 0x77});
    assertThat(env.await(() -> ((Overlay) nodes.get(4)).bans() >= 1, 10_000)).as("node 4 banned node 1").isTrue();
    byte[] id = publish(0, "the others carry on");
    assertThat(env.await(() -> everyoneHas(id, Set.of(1)), 20_000)).isTrue();
  }

  @Test
  void aScopedTopicReachesItsSubscribersOnly() {
    startAndJoin();
    String region = "net:test.region:eu.events";
    Set<Integer> members = Set.of(1, 5, 7);
    List<Set<String>> seen = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      Set<String> mine = ConcurrentHashMap.newKeySet();
      seen.add(mine);
      if (members.contains(i)) nodes.get(i).subscribe(region, (t, id, p, from) -> mine.add(new String(p)));
    }
    // wait until each member's tree for the region has found the others
    assertThat(env.await(() -> members.stream().allMatch(i -> nodes.get(i).peersFor(region).size() >= 2), 20_000)).isTrue();
    byte[] payload = "eu only".getBytes();
    nodes.get(1).publish(region, Hashes.sha256(payload), payload);
    assertThat(env.await(() -> seen.get(5).contains("eu only") && seen.get(7).contains("eu only"), 20_000)).isTrue();
    for (int i = 0; i < N; i++) if (!members.contains(i)) assertThat(seen.get(i)).isEmpty();
  }
}
