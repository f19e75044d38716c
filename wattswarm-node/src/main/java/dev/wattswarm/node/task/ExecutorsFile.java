package dev.wattswarm.node.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code executors.json} in the state dir: the node's executors. Without the file a node runs
 * three standard rules executors, so a fresh node finishes fast and quorum tasks with no setup.
 * <pre>
 * {"executors": [
 *   {"name": "rules-1", "kind": "rules", "capabilities": ["echo"], "max_concurrent": 8,
 *    "rules": [{"match": "(?i)capital of france", "answer": "Paris"}], "faulty": false, "delay_ms": 0},
 *   {"name": "svc", "kind": "http", "base_url": "http://127.0.0.1:9000", "timeout_ms": 10000},
 *   {"name": "llm", "kind": "ollama", "base_url": "http://127.0.0.1:11434", "model": "llama3"},
 *   {"name": "gpt", "kind": "openai-compatible", "base_url": "https://api.openai.com/v1", "model": "gpt-4o-mini",
 *    "api_key_env": "OPENAI_API_KEY"},
 *   {"name": "tr", "kind": "rules", "capabilities": ["translate"], "agent": "translator"}
 * ]}
 * </pre>
 * Any entry may name an {@code "agent"} of this node (name or id) it works for: the WATT its
 * winning results earn is paid into that agent's account instead of the node's.
 */
public final class ExecutorsFile {
  public static final String FILE = "executors.json";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._\\-]{1,64}");

  private ExecutorsFile() {}

  public static List<Executor> defaults() {
    return List.of(RulesExecutor.standard("rules-1"), RulesExecutor.standard("rules-2"), RulesExecutor.standard("rules-3"));
  }

  /** @throws IllegalArgumentException naming the file, the entry and the field that is wrong */
  public static List<Executor> load(Path stateDir) {
    Path file = stateDir.resolve(FILE);
    if (!Files.exists(file)) return defaults();
    JsonNode root;
    try {
      root = CanonicalJson.parse(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage());
    }
    return parse(root, file.toString());
  }

  static List<Executor> parse(JsonNode root, String where) {
    JsonNode list = root.path("executors");
    if (!list.isArray()) throw new IllegalArgumentException(where + ": needs {\"executors\": [...]}");
    List<Executor> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode e = list.get(i);
      String at = where + ": executors[" + i + "]";
      String name = e.path("name").asText("");
      if (!NAME.matcher(name).matches()) throw new IllegalArgumentException(at + ".name must be 1-64 of letters, digits, '.', '_', '-'");
      if (!names.add(name)) throw new IllegalArgumentException(at + ".name '" + name + "' is used twice");
      Set<String> caps = new LinkedHashSet<>();
      for (JsonNode c : e.path("capabilities")) caps.add(c.asText());
      int max = e.path("max_concurrent").asInt(8);
      if (max < 1 || max > 1024) throw new IllegalArgumentException(at + ".max_concurrent must be 1-1024");
      int before = out.size();
      switch (e.path("kind").asText("rules")) {
        case "rules" -> {
          long delay = e.path("delay_ms").asLong(0);
          if (delay < 0 || delay > 600_000) throw new IllegalArgumentException(at + ".delay_ms must be 0-600000");
          out.add(new RulesExecutor(name, caps, rules(e.path("rules"), at), e.path("faulty").asBoolean(false), max, delay));
        }
        case "http" -> {
          String url = e.path("base_url").asText("");
          if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new IllegalArgumentException(at + ".base_url must be an http:// or https:// URL");
          }
          long timeout = e.path("timeout_ms").asLong(10_000);
          out.add(new HttpExecutor(name, URI.create(url), caps, Duration.ofMillis(timeout), max).startProbing());
        }
        case "ollama", "openai-compatible" -> out.add(dev.wattswarm.node.brain.BrainExecutor.fromJson(e, at));
        default -> throw new IllegalArgumentException(at + ".kind must be rules, http, ollama or openai-compatible");
      }
      JsonNode agent = e.get("agent");
      if (agent != null && !agent.isNull()) {
        if (!agent.isTextual() || !NAME.matcher(agent.asText()).matches() && !agent.asText().matches("z[1-9A-HJ-NP-Za-km-z]{40,60}")) {
          throw new IllegalArgumentException(at + ".agent must be the name or id of an agent of this node");
        }
        out.set(before, new AgentExecutor(out.get(before), agent.asText()));
      }
    }
    return out;
  }

  private static List<RulesExecutor.Rule> rules(JsonNode list, String at) {
    List<RulesExecutor.Rule> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode r = list.get(i);
      String where = at + ".rules[" + i + "]";
      Pattern p;
      try {
        p = Pattern.compile(r.path("match").asText(""));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(where + ".match is not a valid regex: " + e.getDescription());
      }
      String answer = r.hasNonNull("answer") ? r.get("answer").asText() : null;
      String builtin = r.hasNonNull("builtin") ? r.get("builtin").asText() : null;
      if ((answer == null) == (builtin == null)) throw new IllegalArgumentException(where + " needs exactly one of answer or builtin");
      if (builtin != null && !RulesExecutor.BUILTIN_FOR_CAPABILITY.containsValue(builtin)) {
        throw new IllegalArgumentException(where + ".builtin must be one of " + new java.util.TreeSet<>(RulesExecutor.BUILTIN_FOR_CAPABILITY.values()));
      }
      out.add(new RulesExecutor.Rule(p, answer, builtin));
    }
    return out;
  }
}
