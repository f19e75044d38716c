package dev.wattswarm.kernel.task;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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

  /** A fact with its place in the fold order and the lane position (scope, sequence) it came in. */
  public record Entry(long order, String id, String scope, long seq, TaskFact fact) implements Comparable<Entry> {
    @Override
    public int compareTo(Entry o) {
      int c = Long.compare(order, o.order);
      return c != 0 ? c : id.compareTo(o.id);
    }
  }

  private final List<Entry> entries;
  /**
   * Each entry's canonical JSON, index for index: the stored log is these spliced together, so an
   * event costs one entry's encoding instead of the whole log's (payloads and outputs included).
   */
  private final List<byte[]> encoded;

  private TaskFactLog(List<Entry> entries, List<byte[]> encoded) {
    this.entries = entries;
    this.encoded = encoded;
  }

  public static TaskFactLog empty() {
    return new TaskFactLog(new ArrayList<>(), new ArrayList<>());
  }

  /** A copy to insert into: entries and their bytes are immutable and shared. */
  public TaskFactLog copy() {
    return new TaskFactLog(new ArrayList<>(entries), new ArrayList<>(encoded));
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
    Entry entry = new Entry(order, id, scope, e.laneSeq(), fact);
    int at = Collections.binarySearch(entries, entry);
    int idx = at >= 0 ? at : -at - 1;
    entries.add(idx, entry);
    encoded.add(idx, encode(entry));
    return idx;
  }

  private static final byte[] HEAD = "{\"facts\":[".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TAIL = "]}".getBytes(StandardCharsets.UTF_8);

  /**
   * The canonical JSON of {@code {"facts": [entry, ...]}}. Canonical form has no whitespace and
   * encodes a value the same wherever it is nested, so splicing the entries' own canonical bytes
   * gives exactly what encoding the whole document does.
   */
  public byte[] encode() {
    int n = HEAD.length + TAIL.length + Math.max(0, encoded.size() - 1);
    for (byte[] b : encoded) n += b.length;
    byte[] out = new byte[n];
    System.arraycopy(HEAD, 0, out, 0, HEAD.length);
    int at = HEAD.length;
    for (int i = 0; i < encoded.size(); i++) {
      if (i > 0) out[at++] = ',';
      byte[] b = encoded.get(i);
      System.arraycopy(b, 0, out, at, b.length);
      at += b.length;
    }
    System.arraycopy(TAIL, 0, out, at, TAIL.length);
    return out;
  }

  /** One entry as the element of the stored {@code facts} array: its keys in canonical order. */
  static byte[] encode(Entry e) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = CanonicalJson.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("at_ms", e.fact().atMs());
      g.writeStringField("author", e.fact().author());
      g.writeStringField("id", e.id());
      g.writeNumberField("order", e.order());
      g.writeFieldName("payload");
      if (e.fact().payload() == null) g.writeNull();
      else TaskState.canonical(g, e.fact().payload());
      g.writeStringField("scope", e.scope());
      g.writeNumberField("seq", e.seq());
      g.writeStringField("type", e.fact().type());
      g.writeEndObject();
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
    return out.toByteArray();
  }

  public static TaskFactLog decode(byte[] doc) {
    JsonNode o = CanonicalJson.parse(doc);
    List<Entry> list = new ArrayList<>();
    List<byte[]> bytes = new ArrayList<>();
    for (JsonNode f : o.path("facts")) {
      Entry e = new Entry(f.path("order").asLong(), f.path("id").asText(), f.path("scope").asText(), f.path("seq").asLong(), new TaskFact(f.path("type").asText(),
          f.path("author").asText(), f.path("at_ms").asLong(), f.get("payload")));
      list.add(e);
      bytes.add(encode(e));
    }
    return new TaskFactLog(list, bytes);
  }
}
