package dev.wattswarm.p2p.reach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.limits.DefenseCounters;
import dev.wattswarm.p2p.sim.SimScheduler;
import dev.wattswarm.p2p.transport.Link;
import dev.wattswarm.p2p.wire.FrameType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Later copies of a relayed request become ways back for the answer (at the target, and at a
 * relay). A neighbour must not get there with a copy it forged: it would take a path slot, or be
 * sent the target's answer for a request it never carried.
 */
class RelayCopiesTest {
  static final String NET = "net:x";
  final Random rng = new Random(7);
  final KeyPair origin = key(), target = key(), honest = key(), liar = key(), onward = key();
  final SimScheduler scheduler = new SimScheduler();
  final DefenseCounters counters = new DefenseCounters();
  final List<String> strikes = new ArrayList<>();

  KeyPair key() {
    byte[] s = new byte[32];
    rng.nextBytes(s);
    return new KeyPair(s);
  }

  /** A link that keeps what was sent on it. */
  static final class Wire implements Link {
    final NodeId peer;
    final List<byte[]> sent = new ArrayList<>();

    Wire(NodeId peer) {
      this.peer = peer;
    }

    long sentOfType(int type) {
      return sent.stream().filter(f -> f[0] == type).count();
    }

    @Override public NodeId peer() { return peer; }
    @Override public String peerListenAddress() { return "sim:" + peer; }
    @Override public boolean inbound() { return true; }
    @Override public boolean send(byte[] frame) { sent.add(frame); return true; }
    @Override public boolean isOpen() { return true; }
    @Override public void close(String reason) {}
  }

  Relay relay(KeyPair self, Collection<Link> neighbours, CompletableFuture<byte[]> answer) {
    return new Relay(NET, self.id(), scheduler, ReachConfig.defaults(), counters, self::sign, new Relay.Env() {
      @Override public Link linkTo(NodeId peer) { return null; }
      @Override public Collection<Link> neighbourLinks() { return neighbours; }
      @Override public CompletableFuture<byte[]> handle(NodeId o, byte[] payload) { return answer; }
      @Override public void strike(Link link, String key, String detail) { strikes.add(key + " " + link.peer()); }
    }, new Random(1), 1 << 20);
  }

  RelayFrames.Request request() {
    byte[] id = new byte[RelayFrames.ID_BYTES];
    rng.nextBytes(id);
    return RelayFrames.request(NET, id, origin.id(), target.id(), 8, scheduler.now(), "question".getBytes(), origin::sign);
  }

  /** The same relay id and parties, another payload, the genuine signature: what a relay can forge. */
  static RelayFrames.Request forged(RelayFrames.Request r) {
    return new RelayFrames.Request(r.relayId(), r.origin(), r.target(), r.ttl(), r.issuedAt(), "tampered".getBytes(), r.signature());
  }

  @Test
  void theTargetSendsItsAnswerOnlyDownCopiesTheOriginSigned() {
    Wire first = new Wire(honest.id()), second = new Wire(honest.id()), bad = new Wire(liar.id());
    Relay r = relay(target, List.of(), CompletableFuture.completedFuture("answer".getBytes()));
    RelayFrames.Request req = request();
    r.onRequest(first, req);
    scheduler.runFor(10);
    assertThat(first.sentOfType(FrameType.RELAY_RESPONSE)).isEqualTo(1);

    r.onRequest(bad, forged(req));
    r.onRequest(second, req.withTtl(5));
    scheduler.runFor(10);
    assertThat(bad.sentOfType(FrameType.RELAY_RESPONSE)).as("no answer down a forged copy").isZero();
    assertThat(strikes).containsExactly("relay_forged " + liar.id());
    assertThat(second.sentOfType(FrameType.RELAY_RESPONSE)).as("a genuine later copy is answered").isEqualTo(1);
  }

  @Test
  void aLaterCopyGetsEvenAnAgentSizedAnswer() {
    Wire first = new Wire(honest.id()), later = new Wire(onward.id());
    byte[] big = new byte[300 * 1024]; // an agent's largest reply body, 256 KiB, once encoded
    Relay r = relay(target, List.of(), CompletableFuture.completedFuture(big));
    RelayFrames.Request req = request();
    r.onRequest(first, req);
    scheduler.runFor(10);
    r.onRequest(later, req.withTtl(5));
    scheduler.runFor(10);
    assertThat(later.sentOfType(FrameType.RELAY_RESPONSE)).as("the kept answer, for a path the first one may not reach").isEqualTo(1);
  }

  @Test
  void aRelayKeepsOnlyGenuineCopiesAsWaysBack() {
    Wire up = new Wire(honest.id()), down = new Wire(onward.id()), bad = new Wire(liar.id());
    Relay r = relay(honest, List.of(up, down, bad), new CompletableFuture<>());
    RelayFrames.Request req = request();
    r.onRequest(up, req);
    assertThat(down.sentOfType(FrameType.RELAY_REQUEST)).as("passed on").isEqualTo(1);

    r.onRequest(bad, forged(req));
    assertThat(strikes).containsExactly("relay_forged " + liar.id());
    RelayFrames.Response answer = RelayFrames.response(NET, req, "answer".getBytes(), target::sign);
    r.onResponse(down, answer);
    assertThat(up.sentOfType(FrameType.RELAY_RESPONSE)).isEqualTo(1);
    assertThat(bad.sentOfType(FrameType.RELAY_RESPONSE)).as("the forger is no way back").isZero();
  }
}
