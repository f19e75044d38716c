package dev.wattswarm.p2p.reach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.sim.SimTransport;
import dev.wattswarm.p2p.transport.Link;
import dev.wattswarm.p2p.transport.Transport;
import dev.wattswarm.p2p.wire.FrameType;
import dev.wattswarm.p2p.wire.WireReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Nodes that lie about reach: relays that tamper or drop, a node answering for another, a borrowed address. */
@Timeout(120)
class ReachLiarsTest {
  private static long seed() {
    return ReachSwarm.seed(ReachLiarsTest.class);
  }

  private static boolean relayFrame(byte[] f) {
    return f.length > 0 && (f[0] == FrameType.RELAY_REQUEST || f[0] == FrameType.RELAY_RESPONSE);
  }

  @Test
  void relayedAnswersArriveIntactThoughSomeRelaysTamperAndSomeDrop() {
    long seed = seed();
    ReachSwarm s = new ReachSwarm(seed, 60, 10);
    Random r = new Random(seed + 7);
    Set<String> tamperers = new HashSet<>();
    Set<String> droppers = new HashSet<>();
    Set<Integer> liars = new HashSet<>();
    while (liars.size() < 6) {
      int i = 1 + r.nextInt(59);
      if (s.firewalled.contains(i) || !liars.add(i)) continue;
      (liars.size() % 2 == 0 ? tamperers : droppers).add(s.transports.get(i).localAddress());
    }
    s.net.dropWhen((from, to, frame) -> droppers.contains(from) && relayFrame(frame));
    s.net.rewriteWhen((from, to, frame) -> {
      if (!tamperers.contains(from) || !relayFrame(frame)) return frame;
      byte[] t = frame.clone();
      t[t.length - 65] ^= 1; // last payload byte, just before the signature
      return t;
    });
    s.joinAll();

    List<Integer> targets = new ArrayList<>(s.firewalled);
    List<CompletableFuture<byte[]>> answers = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    List<int[]> pairs = new ArrayList<>();
    for (int k = 0; k < 60; k++) {
      int to = targets.get(r.nextInt(targets.size()));
      int from;
      do {
        from = r.nextInt(60);
      } while (from == to || liars.contains(from));
      answers.add(s.ask(from, to, "q" + k));
      pairs.add(new int[] {from, to});
      expected.add(s.expected(from, to, "q" + k));
    }
    s.net.scheduler().runUntil(() -> answers.stream().allMatch(CompletableFuture::isDone), 60_000);
    for (int k = 0; k < answers.size(); k++) {
      String want = expected.get(k);
      if (!answers.get(k).isDone() || answers.get(k).isCompletedExceptionally()) {
        int to = pairs.get(k)[1];
        long liarNeighbours = s.nodes.get(to).neighbours().keySet().stream().filter(id -> {
          for (int l : liars) if (s.id(l).equals(id)) return true;
          return false;
        }).count();
        System.out.println("request " + k + " " + pairs.get(k)[0] + "->" + to + " heard=" + s.heard.get(to).contains("q" + k)
            + " target neighbours=" + s.nodes.get(to).neighbours().size() + " liars among them=" + liarNeighbours
            + " origin neighbours=" + s.nodes.get(pairs.get(k)[0]).neighbours().size() + " target counters "
            + s.nodes.get(to).defenseCounters());
      }
      assertThat(answers.get(k)).as("request %d", k).isCompletedWithValueMatching(b -> new String(b).equals(want));
    }
    assertThat(s.total("relay_forged")).as("tampered relay frames were caught and struck").isPositive();
  }

  @Test
  void aNodeAnsweringInAnotherNodesNameIsRefusedAndStruck() {
    long seed = seed();
    ReachSwarm s = new ReachSwarm(seed, 20, 4);
    byte[] secret = new byte[32];
    new Random(seed).nextBytes(secret);
    KeyPair liarKey = new KeyPair(secret);
    SimTransport liar = s.net.newNode(liarKey, ReachSwarm.NET);
    liar.setListener(new Transport.Listener() {
      @Override
      public void linkUp(Link link) {}

      @Override
      public void frame(Link link, byte[] frame) {}

      @Override
      public void linkDown(Link link, String reason) {}
    });
    s.joinAll();
    int target = s.firewalled.iterator().next();
    int origin = 1;
    while (s.firewalled.contains(origin) || origin == target || s.nodes.get(origin).neighbours().containsKey(s.id(target))) origin++;
    final int o = origin;
    CompletableFuture<Link> dialled = liar.connect(s.transports.get(o).localAddress(), s.id(o));
    s.net.scheduler().runUntil(dialled::isDone, 5_000);
    Link toOrigin = dialled.join();
    String originAddress = s.transports.get(o).localAddress();
    List<String> sent = new ArrayList<>();
    // the liar learns of every relayed request the origin sends (as a relay on its path would) and
    // answers at once: first signed by itself as itself, then signed by itself in the target's name
    s.net.rewriteWhen((from, to, frame) -> {
      if (!from.equals(originAddress) || frame[0] != FrameType.RELAY_REQUEST || !sent.isEmpty()) return frame;
      WireReader rd = new WireReader(frame);
      rd.u8();
      RelayFrames.Request req = RelayFrames.readRequest(rd, 1 << 20, 32);
      byte[] forgedBody = "forged".getBytes();
      var asItself = new RelayFrames.Request(req.relayId(), req.origin(), liarKey.id(), req.ttl(), req.issuedAt(), req.payload(),
          req.signature());
      toOrigin.send(RelayFrames.response(ReachSwarm.NET, asItself, forgedBody, liarKey::sign).encode());
      toOrigin.send(RelayFrames.response(ReachSwarm.NET, req, forgedBody, liarKey::sign).encode());
      sent.add("both");
      return frame;
    });
    CompletableFuture<byte[]> answer = s.ask(o, target, "who are you");
    s.net.scheduler().runUntil(answer::isDone, 30_000);
    assertThat(sent).as("the origin relayed its request").isNotEmpty();
    assertThat(answer).isCompletedWithValueMatching(b -> new String(b).equals(s.expected(o, target, "who are you")));
    var c = s.nodes.get(o).defenseCounters();
    assertThat(c.get("relay_forged")).as("the answer in the target's name was refused and struck").isEqualTo(1);
    assertThat(c.get("relay.late_responses")).as("an answer from a node not asked is dropped").isEqualTo(1);
  }

  @Test
  void aNodeAdvertisingAnotherNodesAddressIsStillReachedAndTheOtherIsNeverAsked() {
    long seed = seed();
    ReachSwarm s = new ReachSwarm(seed, 30, 0);
    List<String> askedAtSix = new ArrayList<>();
    String me6 = s.id(6).toString();
    s.nodes.get(6).onRequest((peer, body) -> {
      askedAtSix.add(new String(body));
      return CompletableFuture.completedFuture((me6 + "|" + peer + "|" + new String(body)).getBytes());
    });
    s.joinAll();
    // node 5's record claims node 6's address (and a malformed one): dials prove it wrong
    s.records.put(s.id(5), List.of(s.transports.get(6).localAddress(), "no-port"));
    int from = 10;
    while (s.nodes.get(from).neighbours().containsKey(s.id(5))) from++;
    CompletableFuture<byte[]> answer = s.ask(from, 5, "are you five");
    s.net.scheduler().runUntil(answer::isDone, 30_000);
    final int f = from;
    assertThat(answer).isCompletedWithValueMatching(b -> new String(b).equals(s.expected(f, 5, "are you five")));
    assertThat(s.nodes.get(from).defenseCounters().get("reach.dial_failures")).isPositive();
    assertThat(askedAtSix).doesNotContain("are you five");
  }
}
