package dev.wattswarm.node.brain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.task.Executor;
import dev.wattswarm.node.task.TaskRequest;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An executor whose work is done by a {@link Brain}: it answers a task by asking the model, and
 * verifies another executor's answer by asking the model to judge it PASS or FAIL.
 */
public final class BrainExecutor implements Executor {
  static final String VERDICT_INSTRUCTION = "Reply with exactly PASS or FAIL and one short reason.";
  static final String CANDIDATE_HEADING = "Candidate answer:";
  public static final Set<String> DEFAULT_CAPABILITIES = Set.of("llm");
  /** A local model server runs few generations at once; more would only queue and eat leases. */
  public static final int DEFAULT_MAX_CONCURRENT = 2;
  public static final int DEFAULT_MAX_TOKENS = 1024;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._\\-]{1,64}");
  // tolerates the decoration models add anyway: **PASS**, "FAIL:", PASS - reason
  private static final Pattern VERDICT = Pattern.compile("^[\\s*_`\"'#>(\\[]*(PASS|FAIL)\\b[*_`\"')\\]]*[\\s:.,;!\\-]*(.*)$",
      Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  private final String name;
  private final Set<String> capabilities;
  private final int maxConcurrent;
  private final Brain brain;
  private final double temperature;
  private final int maxTokens;

  public BrainExecutor(String name, Set<String> capabilities, int maxConcurrent, Brain brain, double temperature, int maxTokens) {
    this.name = name;
    this.capabilities = Set.copyOf(capabilities.isEmpty() ? DEFAULT_CAPABILITIES : capabilities);
    this.maxConcurrent = maxConcurrent;
    this.brain = brain;
    this.temperature = temperature;
    this.maxTokens = maxTokens;
  }

  /**
   * An executor from an executors.json entry: {@code name, kind, base_url, model, api_key_env,
   * timeout_ms, max_retries, temperature, capabilities, max_concurrent, max_tokens}.
   *
   * @param where how errors name the entry, e.g. {@code executors.json: executors[2]}
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public static BrainExecutor fromJson(JsonNode entry, String where) {
    return fromJson(entry, where, System::getenv);
  }

  /** @param env looks up environment variables (the API key) */
  public static BrainExecutor fromJson(JsonNode entry, String where, Function<String, String> env) {
    String at = where == null || where.isEmpty() ? "" : where + ".";
    BrainConfig config = BrainConfig.fromJson(entry, where);
    String name = entry.path("name").asText("");
    if (!NAME.matcher(name).matches()) throw new IllegalArgumentException(at + "name must be 1-64 of letters, digits, '.', '_', '-'");
    Set<String> caps = new LinkedHashSet<>();
    JsonNode list = entry.path("capabilities");
    if (!list.isMissingNode() && !list.isArray()) throw new IllegalArgumentException(at + "capabilities must be an array of strings");
    for (JsonNode c : list) {
      if (!c.isTextual() || c.asText().isBlank()) throw new IllegalArgumentException(at + "capabilities must be an array of non-empty strings");
      caps.add(c.asText());
    }
    int max = (int) whole(entry, "max_concurrent", at, DEFAULT_MAX_CONCURRENT, 1024);
    int tokens = (int) whole(entry, "max_tokens", at, DEFAULT_MAX_TOKENS, 1_000_000);
    return new BrainExecutor(name, caps, max, Brain.create(name, config, env), config.temperature(), tokens);
  }

  private static long whole(JsonNode n, String field, String at, long dflt, long max) {
    if (!n.has(field)) return dflt;
    JsonNode v = n.get(field);
    if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > max) throw new IllegalArgumentException(at + field + " must be a whole number 1-" + max);
    return v.asLong();
  }

  public Brain brain() {
    return brain;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Set<String> capabilities() {
    return capabilities;
  }

  @Override
  public int maxConcurrent() {
    return maxConcurrent;
  }

  /** @return {@code {"answer": <the reply, trimmed>, "model": <the model that answered>}} */
  @Override
  public JsonNode execute(TaskRequest task) {
    String system = "You are an executor in WattSwarm, a decentralized agent runtime. The task's type is '" + task.taskType() + "'"
        + (task.capability() == null || task.capability().isEmpty() ? "" : " and it needs the capability '" + task.capability() + "'")
        + ". Other executors answer the same task and the answers are compared, so give only the answer, directly and"
        + " concisely, with no preamble.";
    BrainReply r = brain.complete(new BrainRequest(system, prompt(task), temperature, maxTokens));
    ObjectNode out = CanonicalJson.object();
    out.put("answer", r.text().strip()).put("model", r.model());
    return out;
  }

  /** Asks the model to judge; temperature 0 so the same candidate gets the same judgement. */
  @Override
  public Verdict verify(TaskRequest task, JsonNode candidate) {
    String system = "You are a verifier in WattSwarm. You judge whether a candidate answer correctly and fully answers a task. "
        + VERDICT_INSTRUCTION;
    String user = "Task type: " + task.taskType() + "\nTask:\n" + prompt(task) + "\n\n" + CANDIDATE_HEADING + "\n" + candidateText(candidate);
    return verdictOf(brain.complete(new BrainRequest(system, user, 0.0, 200)).text());
  }

  static Verdict verdictOf(String reply) {
    Matcher m = VERDICT.matcher(reply.strip());
    if (!m.matches()) {
      return Verdict.inconclusive("the model answered neither PASS nor FAIL: '" + BrainErrors.snippet(reply) + "'");
    }
    String reason = BrainErrors.snippet(m.group(2));
    boolean pass = m.group(1).equalsIgnoreCase("PASS");
    if (reason.isEmpty()) reason = "the model said " + (pass ? "PASS" : "FAIL");
    return pass ? Verdict.passed(reason) : Verdict.failed(reason);
  }

  private static String prompt(TaskRequest task) {
    boolean inputs = task.inputs() != null && !task.inputs().isEmpty();
    return task.prompt() + (inputs ? "\n\nInputs (JSON): " + CanonicalJson.encodeString(task.inputs()) : "");
  }

  private static String candidateText(JsonNode candidate) {
    JsonNode a = candidate.path("answer");
    if (a.isTextual()) return a.asText();
    return CanonicalJson.encodeString(a.isMissingNode() ? candidate : a);
  }
}
