package dev.wattswarm.economy.hive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.ProjectionTx;
import dev.wattswarm.kernel.store.Projector;

/**
 * Keeps the {@code hive} projection: one document per hive id, a function of the SET of its
 * events, never of the order they arrived in. Every rule below is a maximum or minimum over the
 * events, so applying them in any order, with duplicates, gives the same document:
 *
 * <ul>
 *   <li>The hive's founding is the {@code hive.created} with the lowest (Lamport clock, event id):
 *       it names the creator and the topic. Two nodes that create the same id concurrently agree
 *       on one founder everywhere.
 *   <li>A member's state is its event on that hive (created or joined: in; left: out) with the
 *       highest sequence in its own global lane; lane sequences order one author's events totally,
 *       so a leave after a join by the same member wins however the two are delivered. Two events
 *       at one sequence exist only in a forked lane; the higher event id decides, so even a
 *       forking author cannot make nodes disagree.
 *   <li>Events that are malformed, or not in the global scope (where the lane order is the one
 *       every node compares), change nothing.
 * </ul>
 * A join may arrive before the creation it refers to; it is kept, and the hive shows once founded.
 */
public final class HiveProjector implements Projector {
  public static final String NS = "hive";

  @Override
  public void apply(Event e, ProjectionTx tx) {
    String type = e.type();
    if (!type.startsWith("hive.") || !e.scope().equals(Scope.GLOBAL)) return;
    JsonNode p;
    try {
      p = CanonicalJson.parse(e.payload());
    } catch (IllegalArgumentException malformed) {
      return;
    }
    String hive = HiveEvents.hiveOf(type, p);
    if (hive == null) return;
    ObjectNode doc = tx.get(NS, hive).map(d -> (ObjectNode) CanonicalJson.parse(d.doc())).orElseGet(() -> {
      ObjectNode o = CanonicalJson.object().put("hive", hive);
      o.putObject("members");
      return o;
    });
    byte[] before = CanonicalJson.encode(doc);
    fold(doc, e, type, p);
    byte[] after = CanonicalJson.encode(doc);
    if (!java.util.Arrays.equals(before, after) || tx.get(NS, hive).isEmpty()) tx.put(NS, hive, "hive", after);
  }

  /** One event into the document: commutative, associative and idempotent (see the class comment). */
  static void fold(ObjectNode doc, Event e, String type, JsonNode p) {
    String author = e.author().toString();
    String id = e.id().hex();
    if (type.equals(HiveEvents.CREATED)) {
      JsonNode c = doc.get("created");
      boolean earlier = c == null || e.clock() < c.path("clock").asLong()
          || (e.clock() == c.path("clock").asLong() && id.compareTo(c.path("event").asText()) < 0);
      if (earlier) {
        doc.putObject("created").put("by", author).put("clock", e.clock()).put("event", id).put("topic", p.get("topic").asText())
            .put("at_ms", e.createdAtMs());
      }
    }
    ObjectNode members = (ObjectNode) doc.get("members");
    JsonNode m = members.get(author);
    boolean later = m == null || e.laneSeq() > m.path("seq").asLong()
        || (e.laneSeq() == m.path("seq").asLong() && id.compareTo(m.path("event").asText()) > 0);
    if (later) {
      members.putObject(author).put("seq", e.laneSeq()).put("event", id).put("in", !type.equals(HiveEvents.LEFT))
          .put("at_ms", e.createdAtMs());
    }
  }
}
