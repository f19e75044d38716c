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
 *   <li>A node takes part in at most {@link #MAX_HIVES_PER_NODE} distinct hives over its lifetime
 *       (created or joined; leaving does not free a place): events for further hives change
 *       nothing. Its global lane is applied in sequence order on every node (a gap is fetched,
 *       not skipped), so which hives fit is the same everywhere, and no node can make others keep
 *       an unbounded number of hive documents.
 * </ul>
 * A join may arrive before the creation it refers to; it is kept, and the hive shows once founded.
 */
public final class HiveProjector implements Projector {
  public static final String NS = "hive";
  /** The hives each node has touched, in its lane order: what bounds the documents one node can make others keep. */
  public static final String BY_NODE = "hive_node";
  public static final int MAX_HIVES_PER_NODE = 64;

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
    if (hive == null || !withinQuota(e.author().toString(), hive, tx)) return;
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

  /** Records that {@code author} touched {@code hive}; false when that would be one hive too many. */
  private static boolean withinQuota(String author, String hive, ProjectionTx tx) {
    ObjectNode doc = tx.get(BY_NODE, author).map(d -> (ObjectNode) CanonicalJson.parse(d.doc())).orElseGet(CanonicalJson::object);
    var hives = doc.withArray("hives");
    for (JsonNode h : hives) if (h.asText().equals(hive)) return true;
    if (hives.size() >= MAX_HIVES_PER_NODE) return false;
    // kept sorted: a set, so the document does not record the order the events came in
    java.util.TreeSet<String> set = new java.util.TreeSet<>();
    for (JsonNode h : hives) set.add(h.asText());
    set.add(hive);
    hives.removeAll();
    set.forEach(hives::add);
    tx.put(BY_NODE, author, "hive_node", CanonicalJson.encode(doc));
    return true;
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
      // the clock dates the change against the member's messages in the hive scope (see HiveMessages)
      members.putObject(author).put("seq", e.laneSeq()).put("event", id).put("in", !type.equals(HiveEvents.LEFT))
          .put("at_ms", e.createdAtMs()).put("clock", e.clock());
    }
  }
}
