package dev.wattswarm.node.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.wattswarm.kernel.codec.EventCodec;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventLimits;
import dev.wattswarm.kernel.event.EventRejectedException;
import dev.wattswarm.kernel.event.EventSigner;
import dev.wattswarm.kernel.event.EventTypes;
import dev.wattswarm.kernel.event.EventVerifier;
import dev.wattswarm.kernel.event.RejectReason;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.AppendOutcome;
import dev.wattswarm.kernel.store.EventStore;
import dev.wattswarm.store.EventStores;
import dev.wattswarm.store.StoreConfig;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeLogTest {
  static final String NET = "local:test";
  @TempDir Path dir;
  final KeyPair me = KeyPair.generate(new SecureRandom());
  final KeyPair peer = KeyPair.generate(new SecureRandom());
  EventStore store;
  NodeLog log;

  NodeLog open() {
    store = EventStores.open(StoreConfig.fromEnv(dir, Map.of()), List.of());
    log = new NodeLog(store, new EventSigner(me, NET, Clock.systemUTC()),
        new EventVerifier(NET, EventLimits.DEFAULT, EventTypes.kernel(), 1024));
    return log;
  }

  @AfterEach
  void close() {
    if (log != null) log.close();
    if (store != null) store.close();
  }

  Event publish(String text) {
    return log.publish(Scope.GLOBAL, EventKind.EVENTS, EventTypes.NODE_STARTED, "", CanonicalJson.object().put("t", text));
  }

  @Test
  void publishedEventsAreDurableAndAnnouncedInOrder() {
    open();
    List<Event> seen = new CopyOnWriteArrayList<>();
    log.subscribe(seen::add);
    Event a = publish("a");
    Event b = publish("b");
    assertThat(store.get(a.id())).isPresent();
    assertThat(b.prev()).isEqualTo(a.id());
    await().until(() -> seen.size() == 2);
    assertThat(seen).containsExactly(a, b);
  }

  @Test
  void concurrentPublishersShareCommitsAndKeepTheLaneUnbroken() throws Exception {
    open();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      IntStream.range(0, 400).forEach(i -> pool.submit(() -> publish("e" + i)));
    }
    assertThat(store.count()).isEqualTo(400);
    assertThat(store.laneHead(me.id(), Scope.GLOBAL).seq()).isEqualTo(400);
    assertThat(store.verifyLog(new EventVerifier(null, EventLimits.DEFAULT, EventTypes.kernel(), 1)).ok()).isTrue();
  }

  @Test
  void aRestartedLogContinuesItsLanes() {
    open();
    publish("before");
    log.close();
    store.close();
    open();
    Event after = publish("after");
    assertThat(after.laneSeq()).isEqualTo(2);
    assertThat(store.verifyLog(new EventVerifier(null, EventLimits.DEFAULT, EventTypes.kernel(), 1)).ok()).isTrue();
  }

  @Test
  void ingestVerifiesDedupesAndRefusesForgeries() {
    open();
    EventSigner other = new EventSigner(peer, NET, Clock.systemUTC());
    Event e1 = other.sign(Scope.GLOBAL, EventKind.EVENTS, EventTypes.NODE_STARTED, "", CanonicalJson.object());
    assertThat(log.ingest(e1)).isEqualTo(AppendOutcome.APPENDED);
    assertThat(log.ingest(EventCodec.decode(e1.encoded()))).isEqualTo(AppendOutcome.DUPLICATE);

    Event e2 = other.sign(Scope.GLOBAL, EventKind.EVENTS, EventTypes.NODE_STARTED, "", CanonicalJson.object().put("n", 2));
    byte[] forged = e2.encoded().clone();
    forged[forged.length - 1] ^= 1;
    assertThatThrownBy(() -> log.ingest(EventCodec.decode(forged)))
        .isInstanceOfSatisfying(EventRejectedException.class, r -> assertThat(r.reason()).isEqualTo(RejectReason.BAD_SIGNATURE));

    Event e3 = other.sign(Scope.GLOBAL, EventKind.EVENTS, EventTypes.NODE_STARTED, "", CanonicalJson.object().put("n", 3));
    assertThatThrownBy(() -> log.ingest(e3)) // e2 never arrived: a gap
        .isInstanceOfSatisfying(EventRejectedException.class, r -> assertThat(r.reason()).isEqualTo(RejectReason.GAP));
    assertThat(log.ingest(e2)).isEqualTo(AppendOutcome.APPENDED);
    assertThat(log.ingest(e3)).isEqualTo(AppendOutcome.APPENDED);
    assertThat(store.count()).isEqualTo(3);
    assertThat(log.rejectedCount()).isEqualTo(2);
  }

  @Test
  void anOversizedPayloadIsRefusedBeforeItIsSigned() {
    open();
    var big = CanonicalJson.object().put("x", "y".repeat(EventLimits.DEFAULT.maxPayloadBytes()));
    assertThatThrownBy(() -> log.publish(Scope.GLOBAL, EventKind.EVENTS, EventTypes.NODE_STARTED, "", big))
        .isInstanceOfSatisfying(EventRejectedException.class, r -> assertThat(r.reason()).isEqualTo(RejectReason.PAYLOAD_TOO_LARGE));
    assertThat(publish("fine").laneSeq()).isEqualTo(1);
  }
}
