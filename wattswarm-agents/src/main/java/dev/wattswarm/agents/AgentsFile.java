package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.brain.Brain;
import dev.wattswarm.node.brain.BrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code agents.json} in the state dir: the node's agents and their brains.
 * <pre>
 * {"agents": [
 *   {"name": "sec", "role": "specialist", "capabilities": ["security"], "max_concurrent": 2,
 *    "description": "reviews code for vulnerabilities",
 *    "brain": {"kind": "ollama", "base_url": "http://127.0.0.1:11434", "model": "llama3"}}
 * ]}
 * </pre>
 * Without a {@code brain} an agent uses the deterministic rules brain.
 */
public final class AgentsFile {
  public static final String FILE = "agents.json";

  /** The agents and how each answers. */
  public record Loaded(List<AgentSpec> specs, Map<String, Responder> responders) {}

  private AgentsFile() {}

  /** @throws IllegalArgumentException naming the entry and field at fault */
  public static Loaded load(Path stateDir) {
    Path f = stateDir.resolve(FILE);
    if (!Files.exists(f)) return new Loaded(List.of(), Map.of());
    JsonNode root;
    try {
      root = CanonicalJson.parse(Files.readAllBytes(f));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(f + " is not valid JSON: " + e.getMessage());
    }
    List<AgentSpec> specs = new ArrayList<>();
    Map<String, Responder> responders = new HashMap<>();
    JsonNode list = root.path("agents");
    if (!list.isArray()) throw new IllegalArgumentException(f + ": needs {\"agents\": [...]}");
    for (int i = 0; i < list.size(); i++) {
      JsonNode a = list.get(i);
      String at = f + ": agents[" + i + "]";
      Set<String> caps = new LinkedHashSet<>();
      for (JsonNode c : a.path("capabilities")) caps.add(c.asText());
      AgentSpec spec;
      try {
        spec = new AgentSpec(a.path("name").asText(""), Role.parse(a.path("role").asText("worker")), caps,
            a.path("description").asText(""), a.path("max_concurrent").asInt(4), a.path("brain").path("kind").asText("rules"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + ": " + e.getMessage());
      }
      specs.add(spec);
      long delay = a.path("delay_ms").asLong(0);
      if (delay < 0 || delay > 600_000) throw new IllegalArgumentException(at + ".delay_ms must be 0-600000");
      if (delay > 0 && !a.has("brain")) {
        // think time for the rules brain: lets demos and tests watch queues, timeouts and restarts
        RulesResponder rules = new RulesResponder();
        responders.put(spec.name(), (self, from, body) -> {
          Thread.sleep(delay);
          return rules.respond(self, from, body);
        });
      }
      if (a.has("brain") && !a.path("brain").path("kind").asText("rules").equals("rules")) {
        BrainConfig bc = BrainConfig.fromJson(a.get("brain"), at + ".brain");
        responders.put(spec.name(), new BrainResponder(Brain.create(spec.name(), bc), a.path("brain").path("max_tokens").asInt(1024)));
      }
    }
    return new Loaded(List.copyOf(specs), Map.copyOf(responders));
  }
}
