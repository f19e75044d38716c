package dev.wattswarm.kernel.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.task.SignedAuthors.Author;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-task fact log: its order, its per-author rules and its stored form. */
class TaskFactLogTest {
  static final String TASK = "t-log";
  final Author coord = new Author(SignedAuthors.key(0));
  final Author a = new Author(SignedAuthors.key(1));
  final Author b = new Author(SignedAuthors.key(2));

  static JsonNode claimOf(Author au, String name) {
    return CanonicalJson.object().put("executor", au.id + "/" + name);
  }

  static int insert(TaskFactLog log, Event e) {
    return log.insert(e, TaskFact.of(e));
  }

  static List<Long> orders(TaskFactLog log) {
    return log.entries().stream().map(TaskFactLog.Entry::order).toList();
  }

  @Test
  void entriesAreSortedByLamportClockThenEventId() {
    Event created = coord.sign(TaskEventTypes.CREATED, TASK, CanonicalJson.object().put("task_id", TASK), 1_000);
    a.observe(created);
    b.observe(created);
    Event ca = a.sign(TaskEventTypes.CLAIMED, TASK, claimOf(a, "x"), 1_010);
    Event cb = b.sign(TaskEventTypes.CLAIMED, TASK, claimOf(b, "x"), 1_005);
    assertThat(ca.clock()).isEqualTo(cb.clock()); // concurrent: the id breaks the tie
    TaskFactLog log = TaskFactLog.empty();
    assertThat(insert(log, cb)).isZero();
    assertThat(insert(log, ca)).isEqualTo(ca.id().hex().compareTo(cb.id().hex()) < 0 ? 0 : 1);
    assertThat(insert(log, created)).isZero(); // it arrived last but sorts first
    List<String> ids = log.entries().stream().map(TaskFactLog.Entry::id).toList();
    List<String> expected = new ArrayList<>(List.of(ca.id().hex(), cb.id().hex()));
    expected.sort(null);
    expected.addFirst(created.id().hex());
    assertThat(ids).isEqualTo(expected);
    assertThat(orders(log)).containsExactly(created.clock(), ca.clock(), cb.clock());
    assertThat(log.entries()).isSorted();
  }

  @Test
  void anAuthorsFactsAreForcedStrictlyIncreasingInLaneOrder() {
    Event e1 = a.forge(10, TaskEventTypes.CLAIMED, TASK, claimOf(a, "x"), 1_000);
    Event e2 = a.forge(5, TaskEventTypes.LEASE_RENEWED, TASK, claimOf(a, "x"), 1_001); // goes back in time
    Event e3 = a.forge(11, TaskEventTypes.LEASE_RENEWED, TASK, claimOf(a, "x"), 1_002); // not past e2's forced order
    Event e4 = a.forge(40, TaskEventTypes.LEASE_RENEWED, TASK, claimOf(a, "x"), 1_003);
    Event other = b.forge(7, TaskEventTypes.CLAIMED, TASK, claimOf(b, "x"), 1_000); // another author is unaffected
    TaskFactLog log = TaskFactLog.empty();
    for (Event e : List.of(e1, other, e2, e3, e4)) assertThat(insert(log, e)).isNotNegative();
    assertThat(log.entries()).extracting(TaskFactLog.Entry::id, TaskFactLog.Entry::order).containsExactly(
        org.assertj.core.groups.Tuple.tuple(other.id().hex(), 7L), org.assertj.core.groups.Tuple.tuple(e1.id().hex(), 10L),
        org.assertj.core.groups.Tuple.tuple(e2.id().hex(), 11L), org.assertj.core.groups.Tuple.tuple(e3.id().hex(), 12L),
        org.assertj.core.groups.Tuple.tuple(e4.id().hex(), 40L));
    // the same clock twice is forced apart too
    TaskFactLog same = TaskFactLog.empty();
    Event s1 = b.forge(3, TaskEventTypes.LEASE_RENEWED, TASK, claimOf(b, "y"), 1_010);
    Event s2 = b.forge(3, TaskEventTypes.LEASE_RENEWED, TASK, claimOf(b, "z"), 1_011);
    insert(same, s1);
    insert(same, s2);
    assertThat(orders(same)).containsExactly(3L, 4L);
    // facts of other tasks or never inserted do not count: the order depends on this task's log only
    TaskFactLog fresh = TaskFactLog.empty();
    insert(fresh, e3);
    assertThat(orders(fresh)).containsExactly(11L);
  }

  @Test
  void duplicatesAreRefusedAndChangeNothing() {
    Event created = coord.sign(TaskEventTypes.CREATED, TASK, CanonicalJson.object().put("task_id", TASK), 1_000);
    a.observe(created);
    Event claim = a.sign(TaskEventTypes.CLAIMED, TASK, claimOf(a, "x"), 1_010);
    TaskFactLog log = TaskFactLog.empty();
    insert(log, created);
    insert(log, claim);
    byte[] before = log.encode();
    assertThat(insert(log, claim)).isEqualTo(-1);
    assertThat(insert(log, created)).isEqualTo(-1);
    assertThat(log.size()).isEqualTo(2);
    assertThat(log.encode()).isEqualTo(before);
    // a duplicate does not push the author's next order either
    Event renew = a.sign(TaskEventTypes.LEASE_RENEWED, TASK, claimOf(a, "x"), 1_020);
    insert(log, renew);
    assertThat(orders(log)).containsExactly(created.clock(), claim.clock(), renew.clock());
  }

  @Test
  void eachAuthorHasAQuotaOfFactsPerTask() {
    TaskFactLog log = TaskFactLog.empty();
    List<Event> lane = new ArrayList<>();
    for (int i = 0; i <= TaskFactLog.QUOTA_PER_AUTHOR; i++) {
      lane.add(a.sign(TaskEventTypes.LEASE_RENEWED, TASK, claimOf(a, "x"), 2_000 + i));
    }
    for (int i = 0; i < TaskFactLog.QUOTA_PER_AUTHOR; i++) assertThat(insert(log, lane.get(i))).as("fact %d", i).isNotNegative();
    byte[] full = log.encode();
    assertThat(insert(log, lane.get(TaskFactLog.QUOTA_PER_AUTHOR))).isEqualTo(-1);
    assertThat(log.size()).isEqualTo(TaskFactLog.QUOTA_PER_AUTHOR);
    assertThat(log.encode()).isEqualTo(full);
    // another author still has all of its quota
    assertThat(insert(log, b.sign(TaskEventTypes.CLAIMED, TASK, claimOf(b, "x"), 3_000))).isNotNegative();
    assertThat(log.size()).isEqualTo(TaskFactLog.QUOTA_PER_AUTHOR + 1);
    // the quota holds in a log restored from its stored form too
    TaskFactLog restored = TaskFactLog.decode(log.encode());
    assertThat(insert(restored, a.sign(TaskEventTypes.LEASE_RENEWED, TASK, claimOf(a, "x"), 4_000))).isEqualTo(-1);
  }

  @Test
  void encodesAndDecodesExactly() {
    Event created = coord.sign(TaskEventTypes.CREATED, TASK,
        TaskStateMachineTest.json("{'task_id':'t-log','inputs':{'prompt':'héllo \\u2603','n':[1,2.5,null,true]},'lease_ms':1000}"), 1_000);
    a.observe(created);
    Event claim = a.forge(3, TaskEventTypes.CLAIMED, TASK, claimOf(a, "x"), 1_010);
    Event renew = a.forge(2, TaskEventTypes.LEASE_RENEWED, TASK, claimOf(a, "x"), 1_020);
    TaskFactLog log = TaskFactLog.empty();
    for (Event e : List.of(created, claim, renew)) insert(log, e);
    byte[] doc = log.encode();
    TaskFactLog back = TaskFactLog.decode(doc);
    assertThat(back.encode()).isEqualTo(doc);
    assertThat(back.size()).isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      TaskFactLog.Entry x = log.entries().get(i), y = back.entries().get(i);
      assertThat(y.order()).isEqualTo(x.order());
      assertThat(y.id()).isEqualTo(x.id());
      assertThat(y.fact().type()).isEqualTo(x.fact().type());
      assertThat(y.fact().author()).isEqualTo(x.fact().author());
      assertThat(y.fact().atMs()).isEqualTo(x.fact().atMs());
      assertThat(CanonicalJson.encodeString(y.fact().payload())).isEqualTo(CanonicalJson.encodeString(x.fact().payload()));
    }
    // folding the restored log gives the same state as folding the original
    assertThat(CanonicalJson.encodeString(TaskFold.fold(back.entries()).toJson()))
        .isEqualTo(CanonicalJson.encodeString(TaskFold.fold(log.entries()).toJson()));
    // a restored log keeps the per-author order and the duplicate rule
    assertThat(insert(back, renew)).isEqualTo(-1);
    Event next = a.forge(1, TaskEventTypes.LEASE_RENEWED, TASK, claimOf(a, "x"), 1_030);
    insert(back, next);
    assertThat(back.entries().getLast().order()).isEqualTo(5);
    assertThat(TaskFactLog.decode(TaskFactLog.empty().encode()).size()).isZero();
  }

  @Test
  void aCopyIsIndependent() {
    Event created = coord.sign(TaskEventTypes.CREATED, TASK, CanonicalJson.object().put("task_id", TASK), 1_000);
    TaskFactLog log = TaskFactLog.empty();
    insert(log, created);
    TaskFactLog copy = log.copy();
    a.observe(created);
    insert(copy, a.sign(TaskEventTypes.CLAIMED, TASK, claimOf(a, "x"), 1_010));
    assertThat(log.size()).isEqualTo(1);
    assertThat(copy.size()).isEqualTo(2);
  }
}
