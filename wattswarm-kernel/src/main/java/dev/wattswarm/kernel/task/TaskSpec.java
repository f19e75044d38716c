package dev.wattswarm.kernel.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.task.TaskValidationException.FieldError;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A task as submitted, validated and with every default filled in. Its {@link #toJson()} is the
 * payload of {@code task.created}, so every node derives the same policy from the log.
 *
 * @param taskId caller-chosen id, 1-128 of {@code A-Z a-z 0-9 . _ : -}; resubmitting it is idempotent
 * @param taskType free-form kind of work, default {@code swarm}
 * @param inputs the task's inputs; {@code prompt} is required, {@code swarm_scope} normalised to its string form
 * @param scope where the task's events travel (from {@code inputs.swarm_scope}, default global)
 * @param capability what an executor must offer to claim it; empty means any executor
 * @param profile fast or quorum
 * @param executors how many executors take part: 1 for fast, N for quorum
 * @param threshold matching revealed votes needed to decide (quorum), default a majority of N
 * @param leaseMs how long a claim holds before the coordinator takes the work back
 * @param voteWindowMs after the last candidate, how long participants have to commit votes
 * @param revealWindowMs after the commit window, how long they have to reveal
 * @param expiresInMs from creation until the task expires unfinished
 * @param maxRetries how many times the work is re-offered after a failed attempt
 * @param reward WATT offered for the work (recorded; settlement arrives with the ledger)
 * @param votePer {@code node}: a node holds at most one slot of an attempt, so it has one vote
 *     however many executors it runs (the default, and the only safe rule among nodes that do not
 *     trust each other); {@code executor}: every executor may hold a slot (what {@code local} mode
 *     uses, where all executors share one node)
 * @param hive the hive a mission was posted to, empty when none (see {@link #hiveMembers})
 * @param hiveMembers the nodes whose executors may take part, sorted; empty means any node. The
 *     coordinator snapshots the hive's membership into {@code task.created} when it posts, so
 *     every node judges a claim by the same signed list, whatever it has heard of joins and leaves
 */
public record TaskSpec(
    String taskId,
    String taskType,
    ObjectNode inputs,
    Scope scope,
    String capability,
    Profile profile,
    int executors,
    int threshold,
    long leaseMs,
    long voteWindowMs,
    long revealWindowMs,
    long expiresInMs,
    int maxRetries,
    long reward,
    VotePer votePer,
    String hive,
    List<String> hiveMembers) {

  /** Members one hive-scoped task may name. */
  public static final int MAX_HIVE_MEMBERS = 256;
  /** The largest reward, the same cap as every WATT amount: 2^53, exact in any JSON reader. */
  public static final long MAX_REWARD = 1L << 53;
  /** A hive id: it becomes the group scope {@code group:hive-<id>}. */
  public static final Pattern HIVE_ID = Pattern.compile("[A-Za-z0-9._\\-]{1,64}");

  public TaskSpec {
    hiveMembers = List.copyOf(hiveMembers);
  }

  /** True when executors of {@code node} may take part: any node, unless the task names a hive's members. */
  public boolean mayExecute(String node) {
    return hiveMembers.isEmpty() || java.util.Collections.binarySearch(hiveMembers, node) >= 0;
  }

  /** Who gets a vote: at most one slot per node, or one per executor. */
  public enum VotePer {
    NODE,
    EXECUTOR;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  static final Pattern ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");
  static final Pattern CAPABILITY = Pattern.compile("[a-z0-9][a-z0-9._\\-]{0,63}");
  static final int MAX_PROMPT = 32 * 1024;
  static final Set<String> FIELDS = Set.of("task_id", "task_type", "inputs", "capability", "profile", "quorum",
      "lease_ms", "vote_window_ms", "reveal_window_ms", "expires_in_ms", "max_retries", "reward", "one_vote_per",
      "hive", "hive_members");

  /**
   * @throws TaskValidationException naming every bad field
   */
  public static TaskSpec parse(JsonNode json) {
    List<FieldError> errs = new ArrayList<>();
    if (json == null || !json.isObject()) {
      throw new TaskValidationException(List.of(new FieldError("$", "a task must be a JSON object")));
    }
    for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) errs.add(new FieldError(f, "unknown field; known fields are " + new java.util.TreeSet<>(FIELDS)));
    }
    String taskId = text(json, "task_id", null, errs);
    if (taskId != null && !ID.matcher(taskId).matches()) {
      errs.add(new FieldError("task_id", "must be 1-128 characters of letters, digits, '.', '_', ':' or '-'"));
    }
    if (taskId == null && errs.stream().noneMatch(e -> e.field().equals("task_id"))) {
      errs.add(new FieldError("task_id", "is required")); // absent or an explicit null
    }
    String type = text(json, "task_type", "swarm", errs);
    if (type != null && (type.isBlank() || type.length() > 64)) errs.add(new FieldError("task_type", "must be 1-64 characters"));
    ObjectNode inputs = null;
    Scope scope = Scope.GLOBAL;
    JsonNode in = json.get("inputs");
    if (in == null) {
      errs.add(new FieldError("inputs", "is required, e.g. {\"prompt\": \"...\"}"));
    } else if (!in.isObject()) {
      errs.add(new FieldError("inputs", "must be an object"));
    } else {
      inputs = ((ObjectNode) in).deepCopy();
      JsonNode prompt = in.get("prompt");
      if (prompt == null) errs.add(new FieldError("inputs.prompt", "is required"));
      else if (!prompt.isTextual()) errs.add(new FieldError("inputs.prompt", "must be a string"));
      else if (prompt.asText().length() > MAX_PROMPT) errs.add(new FieldError("inputs.prompt", "is longer than " + MAX_PROMPT + " characters"));
      JsonNode sc = in.get("swarm_scope");
      try {
        if (sc == null || sc.isNull()) scope = Scope.GLOBAL;
        else if (sc.isTextual()) scope = Scope.parse(sc.asText());
        else if (sc.isObject()) scope = Scope.of(sc.path("kind").asText(null), sc.path("id").asText(""));
        else throw new IllegalArgumentException("must be a string like region:eu-1 or an object {\"kind\":..,\"id\":..}");
        inputs.put("swarm_scope", scope.toString());
      } catch (IllegalArgumentException e) {
        errs.add(new FieldError("inputs.swarm_scope", e.getMessage()));
      }
    }
    String capability = text(json, "capability", "", errs);
    if (capability != null && !capability.isEmpty() && !CAPABILITY.matcher(capability).matches()) {
      errs.add(new FieldError("capability", "must be lower-case letters, digits, '.', '_' or '-' (at most 64)"));
    }
    String p = text(json, "profile", "fast", errs);
    Profile profile = null;
    if (p != null) {
      switch (p) {
        case "fast" -> profile = Profile.FAST;
        case "quorum" -> profile = Profile.QUORUM;
        default -> errs.add(new FieldError("profile", "unknown profile '" + p + "'; use fast or quorum"));
      }
    }
    int executors = 1;
    int threshold = 1;
    JsonNode q = json.get("quorum");
    if (profile == Profile.QUORUM) {
      executors = 3;
      if (q != null && !q.isObject()) {
        errs.add(new FieldError("quorum", "must be an object {\"executors\": N, \"threshold\": M}"));
      } else if (q != null) {
        for (Iterator<String> it = q.fieldNames(); it.hasNext(); ) {
          String f = it.next();
          if (!f.equals("executors") && !f.equals("threshold")) errs.add(new FieldError("quorum." + f, "unknown field; use executors and threshold"));
        }
        executors = (int) number(q, "executors", 3, 2, 32, "quorum.", errs);
      }
      threshold = executors / 2 + 1;
      if (q != null && q.isObject() && q.has("threshold")) {
        threshold = (int) number(q, "threshold", threshold, 1, 32, "quorum.", errs);
        if (threshold > executors) errs.add(new FieldError("quorum.threshold", "must not exceed quorum.executors (" + executors + ")"));
        if (threshold * 2 <= executors) errs.add(new FieldError("quorum.threshold", "must be a majority of quorum.executors (more than " + executors / 2 + ") so two decisions cannot both reach it"));
      }
    } else if (q != null) {
      errs.add(new FieldError("quorum", "applies only to \"profile\": \"quorum\""));
    }
    long lease = number(json, "lease_ms", 15_000, 100, 3_600_000, "", errs);
    long vote = number(json, "vote_window_ms", 5_000, 50, 600_000, "", errs);
    long reveal = number(json, "reveal_window_ms", 5_000, 50, 600_000, "", errs);
    long expires = number(json, "expires_in_ms", 300_000, 500, 30L * 86_400_000, "", errs);
    int retries = (int) number(json, "max_retries", 2, 0, 20, "", errs);
    long reward = number(json, "reward", 0, 0, MAX_REWARD, "", errs);
    String per = text(json, "one_vote_per", "node", errs);
    VotePer votePer = VotePer.NODE;
    if ("executor".equals(per)) votePer = VotePer.EXECUTOR;
    else if (per != null && !per.equals("node")) errs.add(new FieldError("one_vote_per", "must be node or executor"));
    String hive = text(json, "hive", "", errs);
    if (hive != null && !hive.isEmpty() && !HIVE_ID.matcher(hive).matches()) {
      errs.add(new FieldError("hive", "must be 1-64 characters of letters, digits, '.', '_' or '-'"));
    }
    List<String> members = hiveMembers(json.get("hive_members"), hive != null && !hive.isEmpty(), errs);
    if (!errs.isEmpty()) throw new TaskValidationException(errs);
    return new TaskSpec(taskId, type, inputs, scope, capability, profile, executors, threshold, lease, vote, reveal,
        expires, retries, reward, votePer, hive, members);
  }

  /** Node ids in their canonical form, strictly ascending (one spelling per set), present exactly when a hive is. */
  private static List<String> hiveMembers(JsonNode v, boolean hive, List<FieldError> errs) {
    if (v == null || v.isNull()) {
      if (hive) errs.add(new FieldError("hive_members", "is required with \"hive\": the node ids that may take part"));
      return List.of();
    }
    if (!hive) {
      errs.add(new FieldError("hive_members", "applies only with \"hive\""));
      return List.of();
    }
    if (!v.isArray() || v.isEmpty() || v.size() > MAX_HIVE_MEMBERS) {
      errs.add(new FieldError("hive_members", "must be an array of 1-" + MAX_HIVE_MEMBERS + " node ids"));
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (JsonNode m : v) {
      String id = m.isTextual() ? m.asText() : "";
      boolean canonical;
      try {
        canonical = dev.wattswarm.kernel.identity.NodeId.parse(id).toString().equals(id);
      } catch (IllegalArgumentException e) {
        canonical = false;
      }
      if (!canonical) {
        errs.add(new FieldError("hive_members", "'" + (id.length() > 60 ? id.substring(0, 60) + "..." : id) + "' is not a node id"));
        return List.of();
      }
      if (!out.isEmpty() && out.get(out.size() - 1).compareTo(id) >= 0) {
        errs.add(new FieldError("hive_members", "must be sorted ascending without duplicates"));
        return List.of();
      }
      out.add(id);
    }
    return out;
  }

  private static String text(JsonNode json, String field, String dflt, List<FieldError> errs) {
    JsonNode v = json.get(field);
    if (v == null || v.isNull()) return dflt;
    if (!v.isTextual()) {
      errs.add(new FieldError(field, "must be a string"));
      return null;
    }
    return v.asText();
  }

  private static long number(JsonNode json, String field, long dflt, long min, long max, String prefix, List<FieldError> errs) {
    JsonNode v = json.get(field);
    if (v == null || v.isNull()) return dflt;
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      errs.add(new FieldError(prefix + field, "must be a whole number"));
      return dflt;
    }
    long n = v.asLong();
    if (n < min || n > max) {
      errs.add(new FieldError(prefix + field, "must be between " + min + " and " + max + ", got " + n));
      return dflt;
    }
    return n;
  }

  public String prompt() {
    return inputs.path("prompt").asText();
  }

  /** The normalised document, defaults included: the payload of {@code task.created}. */
  public ObjectNode toJson() {
    ObjectNode o = CanonicalJson.object();
    o.put("task_id", taskId).put("task_type", taskType);
    o.set("inputs", inputs.deepCopy());
    o.put("capability", capability).put("profile", profile.wire());
    if (profile == Profile.QUORUM) o.putObject("quorum").put("executors", executors).put("threshold", threshold);
    o.put("lease_ms", leaseMs).put("vote_window_ms", voteWindowMs).put("reveal_window_ms", revealWindowMs)
        .put("expires_in_ms", expiresInMs).put("max_retries", maxRetries).put("reward", reward)
        .put("one_vote_per", votePer.wire());
    // only hive tasks carry these, so every other task's created payload keeps its bytes
    if (!hive.isEmpty()) {
      o.put("hive", hive);
      var arr = o.putArray("hive_members");
      hiveMembers.forEach(arr::add);
    }
    return o;
  }

  /**
   * How long after expiry any node, not only the coordinator, may close the task: a task whose
   * coordinator vanished still ends everywhere by the same rule, and the margin keeps a live
   * coordinator's own decision ahead of the sweep.
   */
  public long sweepGraceMs() {
    return Math.max(5_000, leaseMs);
  }
}
