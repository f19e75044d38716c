package dev.wattswarm.kernel.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every fact of one task, in fold order, so a fact that arrives out of order can be put in its
 * place and the state folded again. Kept as the {@code task_log} projection next to the task.
 *
 * <p>An author's Lamport clocks are made strictly increasing within the task ({@code order} is at
 * least one more than the author's previous fact), so the fold order always respects the order of
 * the author's lane even if a faulty author does not. Each author has a quota of facts per task;
 * its facts arrive in lane order, so which ones fit is the same on every node.
 */
public final class TaskFactLog {
  /** Facts one author may add to one task in one lane. */
  public static final int QUOTA_PER_AUTHOR = 256;

  /** A fact with its place in the fold order and the scope of the lane it came in. */
  public record Entry(long order, String id, String scope, TaskFact fact) implements Comparable<Entry> {
    @Override
    public int compareTo(Entry o) {
      int c = Long.compare(order, o.order);
      return c != 0 ? c : id.compareTo(o.id);
    }
  }

  private final List<Entry> entries;

  private TaskFactLog(List<Entry> entries) {
    this.entries = entries;
  }

  public static TaskFactLog empty() {
    return new TaskFactLog(new ArrayList<>());
  }

  /** A copy to insert into: entries are immutable and shared. */
  public TaskFactLog copy() {
    return new TaskFactLog(new ArrayList<>(entries));
  }

  public List<Entry> entries() {
    return Collections.unmodifiableList(entries);
  }

  public int size() {
    return entries.size();
  }

  /**
   * Adds an event's fact in its place.
   *
   * @return the index it went to, or -1 when it is a duplicate or over its author's quota
   */
  public int insert(Event e, TaskFact fact) {
    String id = e.id().hex();
    String scope = e.scope().toString();
    long authorOrder = -1;
    int authorFacts = 0;
    for (Entry x : entries) {
      if (x.id().equals(id)) return -1;
      // per lane: an author's lanes arrive independently of each other, each in its own order
      if (x.fact().author().equals(fact.author()) && x.scope().equals(scope)) {
        authorFacts++;
        authorOrder = Math.max(authorOrder, x.order());
      }
    }
    if (authorFacts >= QUOTA_PER_AUTHOR) return -1;
    long order = authorOrder < 0 ? e.clock() : Math.max(e.clock(), authorOrder + 1);
    Entry entry = new Entry(order, id, scope, fact);
    int at = Collections.binarySearch(entries, entry);
    int idx = at >= 0 ? at : -at - 1;
    entries.add(idx, entry);
    return idx;
  }

  public byte[] encode() {
    ObjectNode o = CanonicalJson.object();
    ArrayNode a = o.putArray("facts");
    for (Entry e : entries) {
      ObjectNode f = a.addObject();
      f.put("order", e.order()).put("id", e.id()).put("scope", e.scope()).put("type", e.fact().type())
          .put("author", e.fact().author())
          .put("at_ms", e.fact().atMs());
      f.set("payload", e.fact().payload());
    }
    return CanonicalJson.encode(o);
  }

  public static TaskFactLog decode(byte[] doc) {
    JsonNode o = CanonicalJson.parse(doc);
    List<Entry> list = new ArrayList<>();
    for (JsonNode f : o.path("facts")) {
      list.add(new Entry(f.path("order").asLong(), f.path("id").asText(), f.path("scope").asText(), new TaskFact(f.path("type").asText(),
          f.path("author").asText(), f.path("at_ms").asLong(), f.get("payload"))));
    }
    return new TaskFactLog(list);
  }
}
