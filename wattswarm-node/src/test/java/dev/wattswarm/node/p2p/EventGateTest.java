package dev.wattswarm.node.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventSigner;
import dev.wattswarm.kernel.event.EventTypes;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.Projections;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.network.NetworkRules;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.p2p.Overlay;
import dev.wattswarm.p2p.gossip.BroadcastConfig;
import dev.wattswarm.p2p.membership.MembershipConfig;
import dev.wattswarm.p2p.sim.SimNetwork;
import dev.wattswarm.p2p.sim.SimTransport;
import dev.wattswarm.p2p.wire.FrameType;
import dev.wattswarm.p2p.wire.WireWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events arriving by gossip are decoded, bound to their id and verified before the overlay keeps
 * or forwards them, under the network's signed rules; a forgery is struck against the peer that
 * sent it and does not keep the genuine event out. The simulator is stepped from the test thread.
 */
@Timeout(120)
class EventGateTest {
  static final String NET = "net:sim";
  @TempDir Path tmp;
  final List<AutoCloseable> closeables = new ArrayList<>();
  final SimNetwork net = new SimNetwork(5);
  Node node;
  Overlay overlay;
  EventSync sync;
  SimTransport rogue;
  EventSigner rogueSigner;

  @AfterEach
  void stop() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) closeables.get(i).close();
  }

  void start(NetworkRules rules, SyncConfig cfg) {
    node = Node.open(NodeConfig.local(tmp.resolve("a")), new StateDir(tmp.resolve("a")), Clock.systemUTC(),
        new SecureRandom(), Projections.all(), key -> NET);
    closeables.add(node);
    SimTransport t = net.newNode(node.key(), NET);
    overlay = new Overlay(t, net.scheduler(), MembershipConfig.local(), BroadcastConfig.local(), new Random(1));
    sync = rules == null ? new EventSync(node.log(), overlay, new RequestRouter(overlay), java.util.Set.of(Scope.GLOBAL), cfg)
        : new EventSync(node.log(), overlay, new RequestRouter(overlay), java.util.Set.of(Scope.GLOBAL), cfg, rules);
    closeables.add(sync);
    KeyPair rk = KeyPair.generate(new SecureRandom());
    rogue = net.newNode(rk, NET);
    rogueSigner = new EventSigner(rk, NET, Clock.systemUTC());
    net.scheduler().runFor(100);
  }

  boolean until(BooleanSupplier done) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
      net.scheduler().runFor(20);
      return done.getAsBoolean();
    });
    return true;
  }

  /** A fresh link from the rogue each time: a strike closes the previous one. */
  void gossip(Event e, byte[] id, byte[] encoded) {
    String topic = Topics.of(NET, e.scope(), e.kind());
    byte[] frame = new WireWriter(FrameType.GOSSIP).string(topic).fixed(id).i32(0).bytes(encoded).done();
    rogue.connect(overlay.transport().localAddress(), node.nodeId()).thenAccept(l -> l.send(frame));
  }

  Event event(String text) {
    return rogueSigner.sign(Scope.GLOBAL, EventKind.EVENTS, EventTypes.NODE_STARTED, "", CanonicalJson.object().put("t", text));
  }

  long stored() {
    return node.store().laneHead(rogue.localId(), Scope.GLOBAL).seq();
  }

  long counter(String key) {
    return sync.counters().getOrDefault(key, 0L);
  }

  @Test
  void aForgedSignatureIsStruckAgainstItsSenderAndTheGenuineEventStillGetsIn() {
    start(null, SyncConfig.local());
    Event genuine = event("hello");
    byte[] forged = genuine.encoded().clone();
    forged[forged.length - 1] ^= 1; // same id (hash of the unsigned part), broken signature
    gossip(genuine, genuine.id().bytes(), forged);
    until(() -> counter("rejected_events.bad_signature") == 1);
    assertThat(overlay.defenseCounters().get("strikes.invalid_gossip")).isEqualTo(1);
    assertThat(overlay.topic(Topics.of(NET, Scope.GLOBAL, EventKind.EVENTS)).seen(genuine.id().bytes())).isFalse();

    Event other = event("another");
    gossip(other, genuine.id().bytes(), other.encoded()); // valid event, someone else's id
    until(() -> counter("rejected_events.id_mismatch") == 1);

    gossip(genuine, genuine.id().bytes(), genuine.encoded());
    until(() -> stored() == 1);
    assertThat(sync.refused()).isEqualTo(2);
  }

  @Test
  void theNetworksPayloadCapAndGossipKindsAreEnforced() {
    start(new NetworkRules(300, EnumSet.of(EventKind.EVENTS)), SyncConfig.local());
    assertThat(overlay.topic(Topics.of(NET, Scope.GLOBAL, EventKind.EVENTS))).isNotNull();
    assertThat(overlay.topic(Topics.of(NET, Scope.GLOBAL, EventKind.MESSAGES))).as("not a gossip kind here").isNull();
    Event big = event("x".repeat(1_000)); // under the node's own cap, over the network's
    gossip(big, big.id().bytes(), big.encoded());
    until(() -> counter("rejected_events.payload_too_large") == 1);
    byte[] huge = new byte[300 + NetworkRules.ENVELOPE_BYTES + 1];
    Event small = event("s");
    gossip(small, small.id().bytes(), huge);
    until(() -> counter("rejected_events.oversized") == 1);
    assertThat(stored()).isZero();
    assertThat(overlay.defenseCounters().get("strikes.invalid_gossip")).isEqualTo(2);
  }

  @Test
  void theIngestQueueIsBoundedAndCountsWhatItDrops() {
    start(null, SyncConfig.local().withIngestQueueEvents(1));
    List<Event> burst = new ArrayList<>();
    for (int i = 0; i < 200; i++) burst.add(event("burst " + i));
    String topic = Topics.of(NET, Scope.GLOBAL, EventKind.EVENTS);
    rogue.connect(overlay.transport().localAddress(), node.nodeId()).thenAccept(l -> {
      for (Event e : burst) l.send(new WireWriter(FrameType.GOSSIP).string(topic).fixed(e.id().bytes()).i32(0).bytes(e.encoded()).done());
    });
    until(() -> counter("received") == 200);
    assertThat(counter("ingest_queue_full")).isPositive();
  }
}
