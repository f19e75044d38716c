package dev.wattswarm.node.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A deterministic executor without a model: answers from rules (regex on the prompt -> fixed
 * answer or a built-in) and built-ins chosen by capability. Every honest instance gives the same
 * output for the same task, which is what lets quorum votes agree. {@code faulty} makes it answer
 * wrongly on purpose, to show a bad executor being outvoted.
 */
public final class RulesExecutor implements Executor {
  /** A rule: when {@code match} finds the prompt, answer with {@code answer} or run {@code builtin}. */
  public record Rule(Pattern match, String answer, String builtin) {}

  static final Map<String, String> BUILTIN_FOR_CAPABILITY = Map.of(
      "echo", "echo", "word-count", "word_count", "json", "json", "reverse", "reverse", "uppercase", "uppercase");

  static final Set<String> DEFAULT_CAPABILITIES = new LinkedHashSet<>(List.of("rules", "echo", "word-count", "json",
      "reverse", "uppercase"));

  /** Applied after the configured rules, when a task asks for no capability. */
  static final List<Rule> DEFAULT_RULES = List.of(
      new Rule(Pattern.compile("(?i)\\bcount\\b.*\\bwords?\\b|\\bwords?\\b.*\\bcount\\b"), null, "word_count"),
      new Rule(Pattern.compile("^\\s*[\\[{]"), null, "json"),
      new Rule(Pattern.compile("(?i)^\\s*reverse:"), null, "reverse"),
      new Rule(Pattern.compile("(?i)^\\s*upper(case)?:"), null, "uppercase"));

  private final String name;
  private final Set<String> capabilities;
  private final List<Rule> rules;
  private final boolean faulty;
  private final int maxConcurrent;
  private final long delayMs;

  public RulesExecutor(String name, Set<String> capabilities, List<Rule> rules, boolean faulty, int maxConcurrent) {
    this(name, capabilities, rules, faulty, maxConcurrent, 0);
  }

  /** @param delayMs think time before answering, to watch leases and rounds at human speed */
  public RulesExecutor(String name, Set<String> capabilities, List<Rule> rules, boolean faulty, int maxConcurrent,
      long delayMs) {
    this.delayMs = delayMs;
    this.name = name;
    this.capabilities = Set.copyOf(capabilities.isEmpty() ? DEFAULT_CAPABILITIES : capabilities);
    this.rules = List.copyOf(rules);
    this.faulty = faulty;
    this.maxConcurrent = maxConcurrent;
  }

  public static RulesExecutor standard(String name) {
    return new RulesExecutor(name, DEFAULT_CAPABILITIES, List.of(), false, 64);
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

  public boolean faulty() {
    return faulty;
  }

  @Override
  public JsonNode execute(TaskRequest task) throws InterruptedException {
    if (delayMs > 0) Thread.sleep(delayMs);
    ObjectNode out = honest(task);
    return faulty ? falsify(out) : out;
  }

  private static JsonNode falsify(ObjectNode out) {
    JsonNode a = out.get("answer");
    if (a.isIntegralNumber()) out.put("answer", a.asLong() + 1);
    else out.put("answer", a.asText() + " (not really)");
    return out;
  }

  private ObjectNode honest(TaskRequest task) {
    String prompt = task.prompt();
    String builtin = BUILTIN_FOR_CAPABILITY.get(task.capability());
    if (builtin != null) return run(builtin, prompt);
    for (Rule r : rules) {
      if (r.match().matcher(prompt).find()) {
        if (r.answer() != null) {
          ObjectNode o = CanonicalJson.object();
          o.put("answer", r.answer()).put("method", "rule:" + r.match().pattern());
          return o;
        }
        return run(r.builtin(), prompt);
      }
    }
    for (Rule r : DEFAULT_RULES) {
      if (r.match().matcher(prompt).find()) return run(r.builtin(), prompt);
    }
    return run("echo", prompt);
  }

  static ObjectNode run(String builtin, String prompt) {
    ObjectNode o = CanonicalJson.object();
    o.put("method", builtin);
    switch (builtin) {
      case "echo" -> o.put("answer", prompt);
      case "word_count" -> {
        String text = prompt.strip();
        o.put("answer", text.isEmpty() ? 0 : text.split("\\s+").length);
      }
      case "reverse" -> o.put("answer", new StringBuilder(prompt.replaceFirst("(?i)^\\s*reverse:\\s*", "")).reverse().toString());
      case "uppercase" -> o.put("answer", prompt.replaceFirst("(?i)^\\s*upper(case)?:\\s*", "").toUpperCase(Locale.ROOT));
      case "json" -> {
        JsonNode parsed;
        try {
          parsed = CanonicalJson.parse(prompt);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("the json built-in needs a JSON prompt: " + e.getMessage());
        }
        // the transform: canonical form (sorted keys) plus the top-level shape
        o.set("answer", CanonicalJson.parse(CanonicalJson.encode(parsed)));
        o.put("size", parsed.size());
      }
      default -> throw new IllegalArgumentException("unknown built-in '" + builtin + "'");
    }
    return o;
  }

  @Override
  public Verdict verify(TaskRequest task, JsonNode candidate) {
    ObjectNode mine = honest(task);
    if (faulty) mine = (ObjectNode) falsify(mine);
    return mine.equals(candidate) ? Verdict.passed("matches this executor's answer")
        : Verdict.failed("expected " + CanonicalJson.encodeString(mine.path("answer")) + ", got "
            + CanonicalJson.encodeString(candidate.path("answer")));
  }
}
