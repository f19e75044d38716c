package dev.wattswarm.p2p.reach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.transport.Link;
import dev.wattswarm.p2p.wire.FrameType;
import dev.wattswarm.p2p.wire.WireReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request to a node that is gone fails fast (relays say "not through me" back along the flood),
 * while live nodes behind NAT stay reachable, a search cut short proves nothing, and a lying
 * relay closes only its own branch.
 */
@Timeout(120)
class ReachFailFastTest {
  private static final long TIMEOUT = 30_000;

  private static long seed() {
    return ReachSwarm.seed(ReachFailFastTest.class);
  }

  /** A request and the simulated time it ended at. */
  private record Asked(int from, int to, String q, CompletableFuture<byte[]> answer, long askedAt, long[] endedAt) {}

  private static Asked ask(ReachSwarm s, int from, int to, String q) {
    long now = s.net.scheduler().now();
    long[] ended = {-1};
    CompletableFuture<byte[]> f = s.nodes.get(from).request(s.id(to), q.getBytes(), TIMEOUT);
    f.whenComplete((v, e) -> ended[0] = s.net.scheduler().now());
    return new Asked(from, to, q, f, now, ended);
  }

  private static void crashAndWaitUntilForgotten(ReachSwarm s, List<Integer> gone) {
    for (int i : gone) {
      s.net.crash(s.transports.get(i));
      s.down.add(i);
    }
    s.net.scheduler().runUntil(() -> {
      for (int i = 0; i < s.nodes.size(); i++) {
        if (s.down.contains(i)) continue;
        for (int g : gone) if (s.nodes.get(i).neighbours().containsKey(s.id(g))) return false;
      }
      return true;
    }, 20_000);
  }

  @Test
  void aCrashedNodeIsReportedUnreachableBeforeTheTimeoutWhileLiveNatedNodesAnswer() {
    long seed = seed();
    ReachSwarm s = new ReachSwarm(seed, 60, 10);
    s.joinAll();
    Random r = new Random(seed + 3);
    int natedVictim = s.firewalled.iterator().next();
    int dialableVictim = 1;
    while (s.firewalled.contains(dialableVictim) || dialableVictim == natedVictim) dialableVictim++;
    List<Integer> gone = List.of(natedVictim, dialableVictim);
    crashAndWaitUntilForgotten(s, gone);

    List<Asked> toGone = new ArrayList<>();
    List<Asked> toLive = new ArrayList<>();
    List<Integer> liveNated = new ArrayList<>(s.firewalled);
    liveNated.removeAll(gone);
    for (int k = 0; k < 30; k++) {
      int from = s.live(r, gone);
      toGone.add(ask(s, from, gone.get(k % 2), "gone" + k));
      int to;
      do {
        to = liveNated.get(r.nextInt(liveNated.size()));
      } while (to == from);
      toLive.add(ask(s, from, to, "live" + k));
    }
    s.net.scheduler().runUntil(() -> toGone.stream().allMatch(a -> a.answer().isDone())
        && toLive.stream().allMatch(a -> a.answer().isDone()), 2 * TIMEOUT);

    for (Asked a : toGone) {
      assertThat(a.answer()).as("%d -> %d (gone)", a.from(), a.to()).isCompletedExceptionally();
      assertThat(a.answer().exceptionNow()).as("%d -> %d", a.from(), a.to()).isInstanceOf(UnreachableException.class);
      assertThat(a.endedAt()[0]).as("failed before its timeout").isLessThan(a.askedAt() + TIMEOUT);
    }
    for (Asked a : toLive) {
      assertThat(a.answer()).as("%d -> %d (live, undialable)", a.from(), a.to())
          .isCompletedWithValueMatching(b -> new String(b).equals(s.expected(a.from(), a.to(), a.q())));
    }
    assertThat(s.total("relay.unreachable")).isPositive();
  }

  @Test
  void aSearchCutShortByTheHopLimitProvesNothingAndEndsInATimeout() {
    long seed = seed();
    // one hop: every relay runs out of hops, so its "not through me" is inconclusive
    ReachSwarm s = new ReachSwarm(seed, 30, 0, ReachConfig.defaults().withRelayTtl(1));
    s.joinAll();
    int victim = 5;
    crashAndWaitUntilForgotten(s, List.of(victim));
    int from = 0;
    Asked a = ask(s, from, victim, "anyone?");
    s.net.scheduler().runUntil(a.answer()::isDone, 2 * TIMEOUT);
    assertThat(a.answer().exceptionNow()).isInstanceOf(TimeoutException.class);
    assertThat(s.nodes.get(from).defenseCounters().get("relay.floods_nacked")).as("the floods came back, inconclusive").isPositive();
    assertThat(s.nodes.get(from).defenseCounters().getOrDefault("relay.unreachable", 0L)).isZero();
  }

  @Test
  void aLyingRelaySayingNotThroughMeClosesOnlyItsOwnBranch() {
    long seed = seed();
    ReachSwarm s = new ReachSwarm(seed, 40, 8);
    s.joinAll();
    LyingNeighbour l = LyingNeighbour.ofAsker(s, 0);
    Map<String, Integer> lies = new HashMap<>();
    // the liar forwards nothing it is asked to relay, and answers every relayed request the asker
    // floods with an immediate, exhaustive "not through me"; it also denies requests it never saw
    s.net.dropWhen((from, to, frame) -> {
      if (from.equals(l.liarAddress()) && frame[0] == FrameType.RELAY_REQUEST) return true;
      if (l.askerToLiar(from, to, frame)) {
        RelayFrames.Request req = request(frame);
        s.net.scheduler().execute(() -> {
          l.liarToAsker().send(new RelayFrames.Nack(req.relayId(), true).encode());
          byte[] other = req.relayId().clone();
          other[0] ^= 1;
          l.liarToAsker().send(new RelayFrames.Nack(other, true).encode());
        });
        lies.merge("nacks", 1, Integer::sum);
      }
      return false;
    });

    List<Asked> asked = l.askUndialableBeyond();
    s.net.scheduler().runUntil(() -> asked.stream().allMatch(a -> a.answer().isDone()), 2 * TIMEOUT);
    assertThat(lies.get("nacks")).as("the liar was asked and lied").isPositive();
    assertAnswered(s, asked);
    assertThat(s.nodes.get(l.asker()).defenseCounters().get("relay.unexpected_nacks"))
        .as("a denial of a request the liar was never handed is ignored").isPositive();
  }

  @Test
  void aFastRelayThatPassesRequestsOnButSwallowsAnswersAndDeniesCannotMakeALiveNodeUnreachable() {
    long seed = seed();
    ReachSwarm s = new ReachSwarm(seed, 40, 8);
    s.joinAll();
    LyingNeighbour l = LyingNeighbour.ofAsker(s, 0);
    // the liar passes every request on (so part of the flood's tree hangs below it), swallows
    // every answer coming back, and tells the asker at once "not through me, exhaustively"
    s.net.dropWhen((from, to, frame) -> {
      if (from.equals(l.liarAddress()) && frame[0] == FrameType.RELAY_RESPONSE) return true;
      if (l.askerToLiar(from, to, frame)) {
        RelayFrames.Request req = request(frame);
        s.net.scheduler().execute(() -> l.liarToAsker().send(new RelayFrames.Nack(req.relayId(), true).encode()));
      }
      return false;
    });
    List<Asked> asked = l.askUndialableBeyond();
    s.net.scheduler().runUntil(() -> asked.stream().allMatch(a -> a.answer().isDone()), 2 * TIMEOUT);
    assertAnswered(s, asked);
  }

  @Test
  void aLinkToTheTargetDroppingWithTheAnswerOnItProvesNothing() {
    long seed = seed();
    ReachSwarm s = new ReachSwarm(seed, 30, 6);
    s.joinAll();
    int target = s.firewalled.iterator().next();
    int from = 0;
    while (from == target || s.firewalled.contains(from) || s.nodes.get(target).neighbours().containsKey(s.id(from))) from++;
    String targetAddress = s.transports.get(target).localAddress();
    List<String> cut = new ArrayList<>();
    // the target's first answer dies with the link it rode on, as when membership replaces that
    // neighbour at the wrong moment; the relay at the other end sees its link to the target go
    s.net.dropWhen((f, to, frame) -> {
      if (!f.equals(targetAddress) || frame[0] != FrameType.RELAY_RESPONSE || !cut.isEmpty()) return false;
      cut.add(to);
      int relay = 0;
      while (!s.transports.get(relay).localAddress().equals(to)) relay++;
      Link l = s.nodes.get(target).membership().link(s.id(relay));
      s.net.scheduler().execute(() -> l.close("replaced"));
      return true;
    });
    Asked a = ask(s, from, target, "still there?");
    s.net.scheduler().runUntil(a.answer()::isDone, 2 * TIMEOUT);
    assertThat(cut).as("the answer was cut off once").hasSize(1);
    assertThat(a.answer()).isCompletedWithValueMatching(b -> new String(b).equals(s.expected(a.from(), a.to(), a.q())));
    assertThat(a.endedAt()[0]).as("the next flood went out soon, not at a third of the timeout").isLessThan(a.askedAt() + TIMEOUT / 3);
    assertThat(s.nodes.get(from).defenseCounters().getOrDefault("relay.unreachable", 0L)).isZero();
  }

  /** A neighbour of the asker that lies about relaying, as a test arranges with the network's hooks. */
  private record LyingNeighbour(ReachSwarm s, int asker, List<NodeId> around, int liar, String askerAddress, String liarAddress,
      Link liarToAsker) {
    static LyingNeighbour ofAsker(ReachSwarm s, int asker) {
      List<NodeId> around = new ArrayList<>(s.nodes.get(asker).neighbours().keySet());
      assertThat(around).as("the asker has several neighbours").hasSizeGreaterThan(1);
      int liar = indexOf(s, around.get(0));
      return new LyingNeighbour(s, asker, around, liar, s.transports.get(asker).localAddress(), s.transports.get(liar).localAddress(),
          s.nodes.get(liar).membership().link(s.id(asker)));
    }

    boolean askerToLiar(String from, String to, byte[] frame) {
      return from.equals(askerAddress) && to.equals(liarAddress) && frame[0] == FrameType.RELAY_REQUEST;
    }

    /**
     * The asker asks every undialable node that is not its neighbour and has a neighbour besides
     * the liar (a node whose only neighbour is the liar is the liar's to hide: its single path).
     */
    List<Asked> askUndialableBeyond() {
      List<Asked> asked = new ArrayList<>();
      for (int to : s.firewalled) {
        if (to == liar || around.contains(s.id(to))) continue;
        var theirs = new ArrayList<>(s.nodes.get(to).neighbours().keySet());
        theirs.remove(s.id(liar));
        if (theirs.isEmpty()) continue;
        asked.add(ask(s, asker, to, "are you there " + to));
      }
      assertThat(asked).isNotEmpty();
      return asked;
    }
  }

  private static RelayFrames.Request request(byte[] frame) {
    WireReader rd = new WireReader(frame);
    rd.u8();
    return RelayFrames.readRequest(rd, 1 << 20, 32);
  }

  private static void assertAnswered(ReachSwarm s, List<Asked> asked) {
    for (Asked a : asked) {
      assertThat(a.answer()).as("%d -> %d", a.from(), a.to())
          .isCompletedWithValueMatching(b -> new String(b).equals(s.expected(a.from(), a.to(), a.q())));
    }
  }

  private static int indexOf(ReachSwarm s, NodeId id) {
    for (int i = 0; i < s.nodes.size(); i++) if (s.id(i).equals(id)) return i;
    throw new IllegalArgumentException("no node " + id);
  }
}
