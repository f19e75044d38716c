package dev.wattswarm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventLimits;
import dev.wattswarm.kernel.event.EventRejectedException;
import dev.wattswarm.kernel.event.EventSigner;
import dev.wattswarm.kernel.event.EventTypes;
import dev.wattswarm.kernel.event.EventVerifier;
import dev.wattswarm.kernel.event.LaneHead;
import dev.wattswarm.kernel.event.RejectReason;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.AppendOutcome;
import dev.wattswarm.kernel.store.EventFilter;
import dev.wattswarm.kernel.store.EventPage;
import dev.wattswarm.kernel.store.EventStore;
import dev.wattswarm.kernel.store.Projector;
import dev.wattswarm.kernel.store.StoreException;
import dev.wattswarm.testkit.TestEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every EventStore backend must have; each backend's test class extends this. */
abstract class EventStoreContract {
  protected EventStore store;

  /** A fresh, empty store of the backend under test, with {@code projectors}. */
  protected abstract EventStore openFresh(List<Projector> projectors);

  /** Reopens the store last opened by {@link #openFresh}, keeping its data. */
  protected abstract EventStore reopen(List<Projector> projectors);

  /** Runs SQL directly against the backing database, to simulate tampering. */
  protected abstract void sql(String statement);

  @BeforeEach
  void open() {
    store = openFresh(List.of(new CountingProjector()));
  }

  @AfterEach
  void closeStore() {
    if (store != null) store.close();
  }

  static EventVerifier verifier() {
    return new EventVerifier(null, EventLimits.DEFAULT, EventTypes.kernel(), 16);
  }

  static List<Event> chain(EventSigner s, Scope scope, int n) {
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(TestEvents.next(s, scope, i));
    return out;
  }

  @Test
  void appendsAndReadsBack() {
    EventSigner a = TestEvents.signer(1);
    List<Event> evs = chain(a, Scope.GLOBAL, 5);
    assertThat(store.append(evs)).containsOnly(AppendOutcome.APPENDED);
    assertThat(store.count()).isEqualTo(5);
    assertThat(store.headPosition()).isEqualTo(5);
    assertThat(store.contains(evs.get(2).id())).isTrue();
    Event back = store.get(evs.get(3).id()).orElseThrow();
    assertThat(back.encoded()).isEqualTo(evs.get(3).encoded());
    assertThat(store.laneHead(a.key().id(), Scope.GLOBAL)).isEqualTo(new LaneHead(5, evs.get(4).id()));
    assertThat(store.get(TestEvents.next(TestEvents.signer(99), 0).id())).isEmpty();
  }

  @Test
  void duplicateAppendIsIdempotent() {
    EventSigner a = TestEvents.signer(1);
    List<Event> evs = chain(a, Scope.GLOBAL, 3);
    store.append(evs);
    String before = store.dumpProjections();
    assertThat(store.append(evs.get(1))).isEqualTo(AppendOutcome.DUPLICATE);
    Event next = TestEvents.next(a, 3);
    assertThat(store.append(List.of(evs.get(2), next, next)))
        .containsExactly(AppendOutcome.DUPLICATE, AppendOutcome.APPENDED, AppendOutcome.DUPLICATE);
    assertThat(store.count()).isEqualTo(4);
    assertThat(store.dumpProjections()).isNotEqualTo(before).contains("\"n\":4");
  }

  @Test
  void gapRejectsTheWholeBatch() {
    EventSigner a = TestEvents.signer(1);
    List<Event> evs = chain(a, Scope.GLOBAL, 3);
    String before = store.dumpProjections();
    assertThatThrownBy(() -> store.append(List.of(evs.get(0), evs.get(2))))
        .isInstanceOf(EventRejectedException.class)
        .satisfies(t -> assertThat(((EventRejectedException) t).reason()).isEqualTo(RejectReason.GAP));
    assertThat(store.count()).isZero();
    assertThat(store.contains(evs.get(0).id())).isFalse();
    assertThat(store.laneHead(a.key().id(), Scope.GLOBAL)).isEqualTo(LaneHead.EMPTY);
    assertThat(store.dumpProjections()).isEqualTo(before);
    store.append(evs);
    assertThat(store.count()).isEqualTo(3);
  }

  @Test
  void forkAndBadPrevAreRejected() {
    EventSigner a = TestEvents.signer(1);
    store.append(chain(a, Scope.GLOBAL, 2));
    EventSigner twin = TestEvents.signer(1);
    twin.sign(Scope.GLOBAL, EventKind.EVENTS, EventTypes.NODE_STARTED, "", CanonicalJson.object().put("x", 1));
    Event fork = twin.sign(Scope.GLOBAL, EventKind.EVENTS, EventTypes.NODE_STARTED, "", CanonicalJson.object().put("x", 2));
    assertThatThrownBy(() -> store.append(fork)).isInstanceOf(EventRejectedException.class)
        .satisfies(t -> assertThat(((EventRejectedException) t).reason()).isEqualTo(RejectReason.FORK));
    // seq 3 whose prev is not the stored seq 2
    Event badPrev = twin.sign(Scope.GLOBAL, EventKind.EVENTS, EventTypes.NODE_STARTED, "", CanonicalJson.object());
    assertThatThrownBy(() -> store.append(badPrev)).isInstanceOf(EventRejectedException.class)
        .satisfies(t -> assertThat(((EventRejectedException) t).reason()).isEqualTo(RejectReason.BAD_PREV));
    assertThat(store.count()).isEqualTo(2);
  }

  @Test
  void lanesAreIndependentPerAuthorAndScope() {
    EventSigner a = TestEvents.signer(1);
    EventSigner b = TestEvents.signer(2);
    Scope region = Scope.parse("region:eu");
    store.append(chain(a, Scope.GLOBAL, 3));
    store.append(chain(a, region, 2));
    store.append(chain(b, Scope.GLOBAL, 4));
    assertThat(store.lanes()).hasSize(3);
    assertThat(store.laneAfter(a.key().id(), region, 0, 10)).hasSize(2);
    assertThat(store.laneAfter(b.key().id(), Scope.GLOBAL, 2, 10)).extracting(Event::laneSeq).containsExactly(3L, 4L);
    assertThat(store.laneAfter(b.key().id(), Scope.GLOBAL, 0, 1)).hasSize(1);
  }

  @Test
  void listPagesWithCursorAndFilters() {
    EventSigner a = TestEvents.signer(1);
    Scope g = Scope.parse("group:g1");
    List<Event> evs = new ArrayList<>(chain(a, Scope.GLOBAL, 7));
    evs.add(a.sign(g, EventKind.EVENTS, EventTypes.NETWORK_PARAMS, "task-1", CanonicalJson.object()));
    evs.add(a.sign(g, EventKind.EVENTS, EventTypes.NODE_STOPPED, "task-1", CanonicalJson.object()));
    store.append(evs);
    List<Event> seen = new ArrayList<>();
    long cursor = 0;
    while (true) {
      EventPage p = store.list(cursor, 4, EventFilter.ALL);
      if (p.events().isEmpty()) break;
      assertThat(p.positions()).hasSameSizeAs(p.events());
      seen.addAll(p.events());
      cursor = p.nextCursor();
    }
    assertThat(seen).extracting(Event::id).containsExactlyElementsOf(evs.stream().map(Event::id).toList());
    assertThat(store.list(0, 100, EventFilter.task("task-1")).events()).hasSize(2);
    assertThat(store.list(0, 100, new EventFilter("network.", "", "")).events()).hasSize(1);
    assertThat(store.list(0, 100, new EventFilter("", "", "group:g1")).events()).hasSize(2);
    assertThat(store.list(0, 100, new EventFilter("node.", "", "global")).events()).hasSize(7);
    assertThat(store.list(9, 100, EventFilter.ALL).nextCursor()).isEqualTo(9);
  }

  @Test
  void projectionsFollowAppendsAndPageByTag() {
    EventSigner a = TestEvents.signer(1);
    EventSigner b = TestEvents.signer(2);
    EventSigner c = TestEvents.signer(3);
    store.append(chain(a, Scope.GLOBAL, 2));
    store.append(chain(b, Scope.GLOBAL, 3));
    store.append(chain(c, Scope.GLOBAL, 4));
    var doc = store.projection(CountingProjector.COUNT, b.key().id().toString()).orElseThrow();
    assertThat(doc.json()).isEqualTo("{\"n\":3}");
    assertThat(doc.tag()).isEqualTo("odd");
    assertThat(store.projections(CountingProjector.COUNT, "even", null, 10)).hasSize(2);
    var all = store.projections(CountingProjector.COUNT, null, null, 2);
    assertThat(all).hasSize(2);
    var rest = store.projections(CountingProjector.COUNT, null, all.get(1).key(), 10);
    assertThat(rest).hasSize(1);
    assertThat(rest.get(0).key()).isGreaterThan(all.get(1).key());
  }

  @Test
  void replayRebuildsExactlyTheSameProjections() {
    for (int s = 1; s <= 4; s++) {
      EventSigner sg = TestEvents.signer(s);
      store.append(chain(sg, Scope.GLOBAL, 10 + s));
      store.append(chain(sg, Scope.parse("region:r" + s), 3));
    }
    String before = store.dumpProjections();
    assertThat(before).isNotEmpty();
    sql("UPDATE ws_projections SET doc = doc WHERE ns = 'nothing'");
    store.replayProjections();
    assertThat(store.dumpProjections()).isEqualTo(before);
    sql("DELETE FROM ws_projections WHERE ns = '" + CountingProjector.LAST + "'");
    assertThat(store.dumpProjections()).isNotEqualTo(before);
    store.replayProjections();
    assertThat(store.dumpProjections()).isEqualTo(before);
  }

  @Test
  void verifyLogPassesAndCatchesTampering() {
    EventSigner a = TestEvents.signer(1);
    store.append(chain(a, Scope.GLOBAL, 6));
    var ok = store.verifyLog(verifier());
    assertThat(ok.ok()).as(ok.problems().toString()).isTrue();
    assertThat(ok.checked()).isEqualTo(6);
    assertThat(ok.lanes()).isEqualTo(1);
    Event victim = store.list(2, 1, EventFilter.ALL).events().get(0);
    byte[] bad = victim.encoded().clone();
    bad[bad.length - 1] ^= 1; // last byte of the signature
    sql("UPDATE ws_events SET encoded = " + literal(bad) + " WHERE pos = 3");
    var report = store.verifyLog(verifier());
    assertThat(report.ok()).isFalse();
    assertThat(report.problems()).anySatisfy(p -> assertThat(p).startsWith("pos 3 ").contains("BAD_SIGNATURE"));
    sql("DELETE FROM ws_events WHERE pos = 4");
    assertThat(store.verifyLog(verifier()).problems()).anySatisfy(p -> assertThat(p).contains("GAP"));
  }

  /** A bytes literal both backends accept. */
  protected abstract String literal(byte[] bytes);

  @Test
  void aProjectorFailureStoresNothing() {
    store.close();
    AtomicBoolean fail = new AtomicBoolean();
    Projector flaky = (e, tx) -> {
      tx.put("flaky", e.id().hex(), "", new byte[] {'1'});
      if (fail.get()) throw new IllegalStateException("boom");
    };
    store = reopen(List.of(new CountingProjector(), flaky));
    EventSigner a = TestEvents.signer(1);
    store.append(chain(a, Scope.GLOBAL, 2));
    String before = store.dumpProjections();
    fail.set(true);
    Event third = TestEvents.next(a, 9);
    assertThatThrownBy(() -> store.append(third)).hasMessageContaining("boom");
    assertThat(store.count()).isEqualTo(2);
    assertThat(store.dumpProjections()).isEqualTo(before);
    fail.set(false);
    assertThat(store.append(third)).isEqualTo(AppendOutcome.APPENDED);
  }

  @Test
  void reopenKeepsLogLanesAndProjections() {
    EventSigner a = TestEvents.signer(1);
    store.append(chain(a, Scope.GLOBAL, 4));
    String dump = store.dumpProjections();
    store.close();
    store = reopen(List.of(new CountingProjector()));
    assertThat(store.count()).isEqualTo(4);
    assertThat(store.laneHead(a.key().id(), Scope.GLOBAL).seq()).isEqualTo(4);
    assertThat(store.dumpProjections()).isEqualTo(dump);
    store.append(TestEvents.next(a, 4));
    assertThat(store.headPosition()).isEqualTo(5);
  }

  @Test
  void readsRunWhileAppendsCommit() throws Exception {
    EventSigner a = TestEvents.signer(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      try {
        long last = 0;
        while (last < 500) {
          EventPage p = store.list(0, 10_000, EventFilter.ALL);
          assertThat(p.events().size()).isGreaterThanOrEqualTo((int) Math.min(last, 500));
          last = p.events().size();
        }
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    reader.start();
    for (int i = 0; i < 50; i++) store.append(chain(a, Scope.GLOBAL, 10));
    reader.join(60_000);
    assertThat(failure.get()).isNull();
    assertThat(store.count()).isEqualTo(500);
  }

  @Test
  void closedStoreRefusesWithAClearError() {
    store.close();
    assertThatThrownBy(() -> store.append(TestEvents.next(TestEvents.signer(1), 0)))
        .isInstanceOf(StoreException.class).hasMessageContaining("closed");
    store = null;
  }
}
