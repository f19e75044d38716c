package dev.wattswarm.kernel.task;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.TreeMap;
import java.util.Map;

/**
 * A task's state as the log determines it. The state machine never mutates a state it is given:
 * it works on a {@link #copy()}. Stored as the {@code task} projection document.
 */
public final class TaskState {
  /**
   * A proposed result: its hash (SHA-256 of the canonical output), the output itself and the
   * account its executor's node asked to be paid into (an agent id), or null for the node's own.
   */
  public record Candidate(String hash, JsonNode output, String payee) {
    public Candidate(String hash, JsonNode output) {
      this(hash, output, null);
    }
  }

  /** The finalized result. */
  public record Result(String executor, String hash, JsonNode output) {}

  TaskSpec spec;
  String coordinator;
  long createdAtMs;
  long expiresAtMs;
  TaskPhase phase = TaskPhase.OPEN;
  int attempt = 1;
  long notBeforeMs;
  /** Slots of this attempt: executor -> lease expiry. */
  TreeMap<String, Long> claims = new TreeMap<>();
  /** Bids of this attempt from executors on other nodes: executor -> bid time. */
  TreeMap<String, Long> bids = new TreeMap<>();
  TreeMap<String, Candidate> candidates = new TreeMap<>();
  TreeMap<String, String> verdicts = new TreeMap<>();
  TreeMap<String, Integer> evidence = new TreeMap<>();
  TreeMap<String, String> commits = new TreeMap<>();
  TreeMap<String, String> reveals = new TreeMap<>();
  long commitDeadlineMs;
  long revealDeadlineMs;
  String decision = "";
  Result result;
  String lastError = "";
  int errorCount;
  long updatedAtMs;
  int events;
  int rejections;
  String lastRejection = "";
  /** The spec's canonical JSON, encoded once per task: copies share it, as they share the spec. */
  private String specJson;

  TaskState() {}

  public TaskSpec spec() { return spec; }
  public String taskId() { return spec.taskId(); }
  public String coordinator() { return coordinator; }
  public long createdAtMs() { return createdAtMs; }
  public long expiresAtMs() { return expiresAtMs; }
  public TaskPhase phase() { return phase; }
  public int attempt() { return attempt; }
  public long notBeforeMs() { return notBeforeMs; }
  public Map<String, Long> claims() { return java.util.Collections.unmodifiableMap(claims); }
  public Map<String, Long> bids() { return java.util.Collections.unmodifiableMap(bids); }
  public Map<String, Candidate> candidates() { return java.util.Collections.unmodifiableMap(candidates); }
  public Map<String, String> verdicts() { return java.util.Collections.unmodifiableMap(verdicts); }
  public Map<String, String> commits() { return java.util.Collections.unmodifiableMap(commits); }
  public Map<String, String> reveals() { return java.util.Collections.unmodifiableMap(reveals); }
  public long commitDeadlineMs() { return commitDeadlineMs; }
  public long revealDeadlineMs() { return revealDeadlineMs; }
  public String decision() { return decision; }
  public Result result() { return result; }
  public String lastError() { return lastError; }
  public int errorCount() { return errorCount; }
  public int rejections() { return rejections; }
  public String lastRejection() { return lastRejection; }

  /** Revealed votes per candidate hash. */
  public Map<String, Integer> tally() {
    Map<String, Integer> t = new LinkedHashMap<>();
    for (String h : reveals.values()) t.merge(h, 1, Integer::sum);
    return t;
  }

  public TaskState copy() {
    TaskState s = new TaskState();
    s.spec = spec;
    s.coordinator = coordinator;
    s.createdAtMs = createdAtMs;
    s.expiresAtMs = expiresAtMs;
    s.phase = phase;
    s.attempt = attempt;
    s.notBeforeMs = notBeforeMs;
    s.claims = new TreeMap<>(claims);
    s.bids = new TreeMap<>(bids);
    s.candidates = new TreeMap<>(candidates);
    s.verdicts = new TreeMap<>(verdicts);
    s.evidence = new TreeMap<>(evidence);
    s.commits = new TreeMap<>(commits);
    s.reveals = new TreeMap<>(reveals);
    s.commitDeadlineMs = commitDeadlineMs;
    s.revealDeadlineMs = revealDeadlineMs;
    s.decision = decision;
    s.result = result;
    s.lastError = lastError;
    s.errorCount = errorCount;
    s.updatedAtMs = updatedAtMs;
    s.events = events;
    s.rejections = rejections;
    s.lastRejection = lastRejection;
    s.specJson = specJson;
    return s;
  }

  /** Clears the round: what a retry starts from. */
  void resetRound() {
    claims.clear();
    bids.clear();
    candidates.clear();
    verdicts.clear();
    evidence.clear();
    commits.clear();
    reveals.clear();
    commitDeadlineMs = 0;
    revealDeadlineMs = 0;
    decision = "";
  }

  public ObjectNode toJson() {
    ObjectNode o = CanonicalJson.object();
    o.put("task_id", spec.taskId());
    o.put("state", phase.wire());
    o.put("profile", spec.profile().wire());
    o.put("coordinator", coordinator);
    o.put("created_at_ms", createdAtMs);
    o.put("expires_at_ms", expiresAtMs);
    o.put("updated_at_ms", updatedAtMs);
    o.put("attempt", attempt);
    o.put("not_before_ms", notBeforeMs);
    ObjectNode c = o.putObject("claims");
    claims.forEach(c::put);
    ObjectNode b = o.putObject("bids");
    bids.forEach(b::put);
    ObjectNode cand = o.putObject("candidates");
    candidates.forEach((k, v) -> {
      ObjectNode one = cand.putObject(k).put("hash", v.hash());
      one.set("output", v.output());
      if (v.payee() != null) one.put("payee", v.payee());
    });
    ObjectNode ver = o.putObject("verdicts");
    verdicts.forEach(ver::put);
    ObjectNode ev = o.putObject("evidence");
    evidence.forEach(ev::put);
    ObjectNode com = o.putObject("commits");
    commits.forEach(com::put);
    ObjectNode rev = o.putObject("reveals");
    reveals.forEach(rev::put);
    o.put("commit_deadline_ms", commitDeadlineMs);
    o.put("reveal_deadline_ms", revealDeadlineMs);
    o.put("decision", decision);
    if (result != null) {
      o.put("executor", result.executor());
      o.put("result_hash", result.hash());
      o.set("output", result.output());
    }
    o.put("last_error", lastError);
    o.put("error_count", errorCount);
    o.put("events", events);
    o.put("rejections", rejections);
    o.put("last_rejection", lastRejection);
    o.set("spec", spec.toJson());
    return o;
  }

  /**
   * The stored document: exactly {@code CanonicalJson.encode(toJson())}, written straight to a
   * generator in canonical key order instead of through a tree that is then sorted, with the spec
   * encoded once per task. Every event rewrites this document, so it is on the writer's hot path.
   */
  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = CanonicalJson.MAPPER.getFactory().createGenerator(bytes)) {
      // the keys in code-point order, as the canonical form sorts them; toJson() lists the same ones
      g.writeStartObject();
      g.writeNumberField("attempt", attempt);
      longs(g, "bids", bids);
      g.writeObjectFieldStart("candidates");
      for (var c : candidates.entrySet()) {
        g.writeObjectFieldStart(c.getKey());
        g.writeStringField("hash", c.getValue().hash());
        raw(g, "output", c.getValue().output());
        if (c.getValue().payee() != null) g.writeStringField("payee", c.getValue().payee());
        g.writeEndObject();
      }
      g.writeEndObject();
      longs(g, "claims", claims);
      g.writeNumberField("commit_deadline_ms", commitDeadlineMs);
      strings(g, "commits", commits);
      g.writeStringField("coordinator", coordinator);
      g.writeNumberField("created_at_ms", createdAtMs);
      g.writeStringField("decision", decision);
      g.writeNumberField("error_count", errorCount);
      g.writeNumberField("events", events);
      g.writeObjectFieldStart("evidence");
      for (var e : evidence.entrySet()) g.writeNumberField(e.getKey(), e.getValue());
      g.writeEndObject();
      if (result != null) g.writeStringField("executor", result.executor());
      g.writeNumberField("expires_at_ms", expiresAtMs);
      g.writeStringField("last_error", lastError);
      g.writeStringField("last_rejection", lastRejection);
      g.writeNumberField("not_before_ms", notBeforeMs);
      if (result != null) raw(g, "output", result.output());
      g.writeStringField("profile", spec.profile().wire());
      g.writeNumberField("rejections", rejections);
      if (result != null) g.writeStringField("result_hash", result.hash());
      g.writeNumberField("reveal_deadline_ms", revealDeadlineMs);
      strings(g, "reveals", reveals);
      if (specJson == null) specJson = CanonicalJson.encodeString(spec.toJson());
      g.writeFieldName("spec");
      g.writeRawValue(specJson);
      g.writeStringField("state", phase.wire());
      g.writeStringField("task_id", spec.taskId());
      g.writeNumberField("updated_at_ms", updatedAtMs);
      strings(g, "verdicts", verdicts);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void longs(JsonGenerator g, String name, Map<String, Long> m) throws IOException {
    g.writeObjectFieldStart(name);
    for (var e : m.entrySet()) g.writeNumberField(e.getKey(), e.getValue());
    g.writeEndObject();
  }

  private static void strings(JsonGenerator g, String name, Map<String, String> m) throws IOException {
    g.writeObjectFieldStart(name);
    for (var e : m.entrySet()) g.writeStringField(e.getKey(), e.getValue());
    g.writeEndObject();
  }

  /** A JSON value in its canonical form; a null output is written as toJson() would set it: null. */
  private static void raw(JsonGenerator g, String name, JsonNode v) throws IOException {
    g.writeFieldName(name);
    if (v == null) g.writeNull();
    else canonical(g, v);
  }

  /**
   * What {@link CanonicalJson#encode} writes for {@code n}, into a generator already open: a
   * generator per nested value cost more than the value (each allocates its buffers, and virtual
   * threads do not recycle them). TaskEncodingTest holds the two to the same bytes.
   */
  static void canonical(JsonGenerator g, JsonNode n) throws IOException {
    switch (n.getNodeType()) {
      case OBJECT -> {
        g.writeStartObject();
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(n.size());
        for (var it = n.fields(); it.hasNext(); ) fields.add(it.next());
        fields.sort(Map.Entry.comparingByKey());
        for (Map.Entry<String, JsonNode> e : fields) {
          g.writeFieldName(e.getKey());
          canonical(g, e.getValue());
        }
        g.writeEndObject();
      }
      case ARRAY -> {
        g.writeStartArray();
        for (JsonNode c : n) canonical(g, c);
        g.writeEndArray();
      }
      default -> g.writeTree(n);
    }
  }

  public static TaskState fromJson(JsonNode o) {
    TaskState s = new TaskState();
    s.spec = TaskSpec.parse(o.get("spec"));
    s.coordinator = o.path("coordinator").asText();
    s.createdAtMs = o.path("created_at_ms").asLong();
    s.expiresAtMs = o.path("expires_at_ms").asLong();
    s.updatedAtMs = o.path("updated_at_ms").asLong();
    s.phase = TaskPhase.fromWire(o.path("state").asText());
    s.attempt = o.path("attempt").asInt();
    s.notBeforeMs = o.path("not_before_ms").asLong();
    for (var it = fields(o.path("claims")); it.hasNext(); ) {
      var e = it.next();
      s.claims.put(e.getKey(), e.getValue().asLong());
    }
    for (var it = fields(o.path("bids")); it.hasNext(); ) {
      var e = it.next();
      s.bids.put(e.getKey(), e.getValue().asLong());
    }
    for (var it = fields(o.path("candidates")); it.hasNext(); ) {
      var e = it.next();
      s.candidates.put(e.getKey(), new Candidate(e.getValue().path("hash").asText(), e.getValue().get("output"),
          e.getValue().hasNonNull("payee") ? e.getValue().get("payee").asText() : null));
    }
    for (var it = fields(o.path("verdicts")); it.hasNext(); ) {
      var e = it.next();
      s.verdicts.put(e.getKey(), e.getValue().asText());
    }
    for (var it = fields(o.path("evidence")); it.hasNext(); ) {
      var e = it.next();
      s.evidence.put(e.getKey(), e.getValue().asInt());
    }
    for (var it = fields(o.path("commits")); it.hasNext(); ) {
      var e = it.next();
      s.commits.put(e.getKey(), e.getValue().asText());
    }
    for (var it = fields(o.path("reveals")); it.hasNext(); ) {
      var e = it.next();
      s.reveals.put(e.getKey(), e.getValue().asText());
    }
    s.commitDeadlineMs = o.path("commit_deadline_ms").asLong();
    s.revealDeadlineMs = o.path("reveal_deadline_ms").asLong();
    s.decision = o.path("decision").asText();
    if (o.has("result_hash")) {
      s.result = new Result(o.path("executor").asText(), o.path("result_hash").asText(), o.get("output"));
    }
    s.lastError = o.path("last_error").asText();
    s.errorCount = o.path("error_count").asInt();
    s.events = o.path("events").asInt();
    s.rejections = o.path("rejections").asInt();
    s.lastRejection = o.path("last_rejection").asText();
    return s;
  }

  private static Iterator<Map.Entry<String, JsonNode>> fields(JsonNode n) {
    return n.fields();
  }
}
