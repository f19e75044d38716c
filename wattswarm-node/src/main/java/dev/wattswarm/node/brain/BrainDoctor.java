package dev.wattswarm.node.brain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Checks whether a configured brain can work and says, line by line, what to fix. */
public final class BrainDoctor {
  private BrainDoctor() {}

  public static Diagnosis diagnose(BrainConfig config) {
    return diagnose(config, System::getenv);
  }

  /** @param env looks up environment variables (the API key) */
  public static Diagnosis diagnose(BrainConfig config, Function<String, String> env) {
    List<String> lines = new ArrayList<>();
    lines.add("checking " + config.kind().wire() + " brain, model '" + config.model() + "'"
        + (config.baseUrl() == null ? "" : " at " + config.baseUrl()));
    Diagnosis d;
    try {
      d = Brain.create(config.kind().wire(), config, env).doctor();
    } catch (RuntimeException e) {
      // doctor is what people run when things are broken, so even a bug here becomes a line
      d = new Diagnosis(false, List.of("[fail] the check itself failed: " + e));
    }
    lines.addAll(d.lines());
    return new Diagnosis(d.ok(), lines);
  }

  /** A config entry that does not parse is a failed diagnosis, not an exception. */
  public static Diagnosis diagnose(JsonNode entry, String where, Function<String, String> env) {
    try {
      return diagnose(BrainConfig.fromJson(entry, where), env);
    } catch (IllegalArgumentException e) {
      return new Diagnosis(false, List.of("[fail] " + e.getMessage()));
    }
  }
}
