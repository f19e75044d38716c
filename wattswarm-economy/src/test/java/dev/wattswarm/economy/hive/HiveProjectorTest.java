package dev.wattswarm.economy.hive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventSigner;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.ProjectionDoc;
import dev.wattswarm.kernel.store.ProjectionTx;
import dev.wattswarm.testkit.TestEvents;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Hive membership is a function of the set of signed events: any delivery order, with duplicates,
 * gives the same documents; a member's latest event in its own lane decides; the founding is the
 * lowest (clock, id) creation; malformed events and events outside the global scope change nothing.
 * Seeded: {@code -Dwattswarm.hive.seed=S} replays a run.
 */
class HiveProjectorTest {
  /** The projection documents of one replica. */
  static final class Docs implements ProjectionTx {
    final TreeMap<String, String> docs = new TreeMap<>();
    final HiveProjector projector = new HiveProjector();

    void deliver(Event e) {
      projector.apply(e, this);
    }

    @Override
    public Optional<ProjectionDoc> get(String ns, String key) {
      String d = docs.get(ns + "/" + key);
      return d == null ? Optional.empty() : Optional.of(new ProjectionDoc(ns, key, "hive", d.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Override
    public void put(String ns, String key, String tag, byte[] doc) {
      docs.put(ns + "/" + key, new String(doc, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public void delete(String ns, String key) {
      docs.remove(ns + "/" + key);
    }

    JsonNode hive(String id) {
      String d = docs.get(HiveProjector.NS + "/" + id);
      return d == null ? null : CanonicalJson.parse(d);
    }
  }

  static Event sign(EventSigner s, Scope scope, String type, ObjectNode payload) {
    return s.sign(scope, EventKind.MESSAGES, type, "", payload);
  }

  @Test
  void aLeaveAfterAJoinWinsWhicheverArrivesFirst() {
    EventSigner a = TestEvents.signer(1);
    EventSigner b = TestEvents.signer(2);
    Event created = sign(a, Scope.GLOBAL, HiveEvents.CREATED, CanonicalJson.object().put("hive", "h").put("topic", "t"));
    Event joined = sign(b, Scope.GLOBAL, HiveEvents.JOINED, CanonicalJson.object().put("hive", "h"));
    Event left = sign(b, Scope.GLOBAL, HiveEvents.LEFT, CanonicalJson.object().put("hive", "h"));
    Docs inOrder = new Docs();
    List.of(created, joined, left).forEach(inOrder::deliver);
    Docs reversed = new Docs();
    List.of(left, joined, created).forEach(reversed::deliver);
    assertThat(reversed.docs).isEqualTo(inOrder.docs);
    JsonNode h = inOrder.hive("h");
    assertThat(h.path("members").path(b.key().id().toString()).path("in").asBoolean()).isFalse();
    assertThat(h.path("members").path(a.key().id().toString()).path("in").asBoolean()).isTrue();
    assertThat(h.path("created").path("by").asText()).isEqualTo(a.key().id().toString());
    // and a later join brings the member back
    Event again = sign(b, Scope.GLOBAL, HiveEvents.JOINED, CanonicalJson.object().put("hive", "h"));
    reversed.deliver(again);
    assertThat(reversed.hive("h").path("members").path(b.key().id().toString()).path("in").asBoolean()).isTrue();
  }

  @Test
  void malformedOrOffScopeEventsChangeNothing() {
    EventSigner a = TestEvents.signer(3);
    Docs d = new Docs();
    d.deliver(sign(a, Scope.GLOBAL, HiveEvents.CREATED, CanonicalJson.object().put("hive", "bad id").put("topic", "t")));
    d.deliver(sign(a, Scope.GLOBAL, HiveEvents.CREATED, CanonicalJson.object().put("hive", "h")));
    d.deliver(sign(a, Scope.GLOBAL, HiveEvents.CREATED, CanonicalJson.object().put("hive", "h").put("topic", "x".repeat(201))));
    d.deliver(sign(a, Scope.GLOBAL, HiveEvents.CREATED, CanonicalJson.object().put("hive", "h").put("topic", "t\u0000")));
    d.deliver(sign(a, Scope.GLOBAL, HiveEvents.JOINED, CanonicalJson.object().put("hive", "h").put("extra", 1)));
    d.deliver(sign(a, Scope.GLOBAL, HiveEvents.JOINED, CanonicalJson.object().put("hive", 5)));
    d.deliver(sign(a, Scope.parse("group:hive-h"), HiveEvents.CREATED, CanonicalJson.object().put("hive", "h").put("topic", "t")));
    d.deliver(sign(a, Scope.GLOBAL, HiveEvents.JOINED, CanonicalJson.object().put("hive", "h".repeat(65))));
    assertThat(d.docs).isEmpty();
  }

  @Test
  void oneNodeTakesPartInABoundedNumberOfHives() {
    EventSigner a = TestEvents.signer(4);
    Docs d = new Docs();
    for (int i = 0; i <= HiveProjector.MAX_HIVES_PER_NODE; i++) {
      d.deliver(sign(a, Scope.GLOBAL, HiveEvents.CREATED, CanonicalJson.object().put("hive", "h" + i).put("topic", "t")));
    }
    assertThat(d.hive("h" + (HiveProjector.MAX_HIVES_PER_NODE - 1))).isNotNull();
    assertThat(d.hive("h" + HiveProjector.MAX_HIVES_PER_NODE)).as("one hive too many").isNull();
    // leaving one does not free its place, and the hives it is in still take its events
    d.deliver(sign(a, Scope.GLOBAL, HiveEvents.LEFT, CanonicalJson.object().put("hive", "h0")));
    d.deliver(sign(a, Scope.GLOBAL, HiveEvents.JOINED, CanonicalJson.object().put("hive", "h" + HiveProjector.MAX_HIVES_PER_NODE)));
    assertThat(d.hive("h" + HiveProjector.MAX_HIVES_PER_NODE)).isNull();
    assertThat(d.hive("h0").path("members").path(a.key().id().toString()).path("in").asBoolean()).isFalse();
  }

  @Test
  void anyDeliveryOrderWithDuplicatesGivesTheSameMembers() {
    long seed = Long.getLong("wattswarm.hive.seed", new Random().nextLong());
    System.out.println("HiveProjectorTest seed " + seed + " (-Dwattswarm.hive.seed=" + seed + " replays it)");
    Random rnd = new Random(seed);
    List<EventSigner> nodes = new ArrayList<>();
    for (int i = 0; i < 6; i++) nodes.add(TestEvents.signer(100 + i));
    List<String> hives = List.of("h0", "h1", "h2", "h3");
    String[] types = {HiveEvents.CREATED, HiveEvents.JOINED, HiveEvents.LEFT};
    List<Event> all = new ArrayList<>();
    // per (hive, member): its events in its lane order, the last deciding
    Map<String, Event> last = new HashMap<>();
    Map<String, Event> founding = new HashMap<>();
    for (int i = 0; i < 3_000; i++) {
      EventSigner n = nodes.get(rnd.nextInt(nodes.size()));
      if (rnd.nextInt(4) == 0) n.observe(rnd.nextInt(i + 1)); // clocks move as nodes hear of each other
      String hive = hives.get(rnd.nextInt(hives.size()));
      String type = types[rnd.nextInt(types.length)];
      ObjectNode p = CanonicalJson.object().put("hive", hive);
      if (type.equals(HiveEvents.CREATED)) p.put("topic", "topic " + i);
      Event e = sign(n, Scope.GLOBAL, type, p);
      all.add(e);
      last.put(hive + " " + n.key().id(), e);
      if (type.equals(HiveEvents.CREATED)) {
        founding.merge(hive, e, (x, y) -> x.clock() < y.clock() || (x.clock() == y.clock() && x.id().hex().compareTo(y.id().hex()) < 0) ? x : y);
      }
    }
    Docs reference = null;
    for (int replica = 0; replica < 4; replica++) {
      List<Event> delivery = new ArrayList<>(all);
      for (int k = 0; k < 300; k++) delivery.add(all.get(rnd.nextInt(all.size()))); // duplicates
      Collections.shuffle(delivery, rnd);
      Docs d = new Docs();
      delivery.forEach(d::deliver);
      if (reference == null) {
        reference = d;
      } else {
        assertThat(d.docs).as("replica %d, seed %d", replica, seed).isEqualTo(reference.docs);
      }
    }
    for (var e : last.entrySet()) {
      String hive = e.getKey().split(" ")[0];
      String member = e.getKey().split(" ")[1];
      boolean in = !e.getValue().type().equals(HiveEvents.LEFT);
      assertThat(reference.hive(hive).path("members").path(member).path("in").asBoolean()).as("%s in %s, seed %d", member, hive, seed).isEqualTo(in);
    }
    for (var f : founding.entrySet()) {
      assertThat(reference.hive(f.getKey()).path("created").path("event").asText()).as("founding of %s, seed %d", f.getKey(), seed)
          .isEqualTo(f.getValue().id().hex());
    }
  }
}
