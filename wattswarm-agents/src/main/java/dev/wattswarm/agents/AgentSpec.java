package dev.wattswarm.agents;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An agent as declared: on the command line ({@code --role/--capabilities/--max-concurrent}, or
 * {@code --agent name:role:cap1,cap2[:max]}) or from Java.
 *
 * @param maxConcurrent requests it works on at once; more wait in a queue of the same size, then are refused
 * @param brain how it answers: {@code rules} (deterministic, no model) for now
 */
public record AgentSpec(String name, Role role, Set<String> capabilities, String description, int maxConcurrent, String brain) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._\\-]{1,64}");
  private static final Pattern CAP = Pattern.compile("[a-z0-9][a-z0-9._\\-]{0,63}");

  public AgentSpec {
    if (name == null || !NAME.matcher(name).matches()) throw new IllegalArgumentException("agent name '" + name + "' must be 1-64 of letters, digits, '.', '_', '-'");
    if (role == null) throw new IllegalArgumentException("agent " + name + " needs a role");
    for (String c : capabilities) {
      if (!CAP.matcher(c).matches()) throw new IllegalArgumentException("capability '" + c + "' of agent " + name + " must be lower-case letters, digits, '.', '_', '-'");
    }
    capabilities = Set.copyOf(new LinkedHashSet<>(capabilities));
    if (maxConcurrent < 1 || maxConcurrent > 1024) throw new IllegalArgumentException("max_concurrent of agent " + name + " must be 1-1024");
    description = description == null ? "" : description;
    brain = brain == null || brain.isBlank() ? "rules" : brain;
  }

  /** {@code name:role:cap1,cap2[:max]} */
  public static AgentSpec parse(String shorthand) {
    String[] p = shorthand.split(":", -1);
    if (p.length < 2 || p.length > 4) {
      throw new IllegalArgumentException("--agent '" + shorthand + "' must look like name:role:cap1,cap2[:max_concurrent]");
    }
    Set<String> caps = new LinkedHashSet<>();
    if (p.length > 2 && !p[2].isBlank()) for (String c : p[2].split(",")) caps.add(c.trim());
    int max = 4;
    if (p.length == 4) {
      try {
        max = Integer.parseInt(p[3].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--agent '" + shorthand + "': max_concurrent must be a number");
      }
    }
    return new AgentSpec(p[0].trim(), Role.parse(p[1]), caps, "", max, "rules");
  }

  public static List<String> capabilityList(String csv) {
    if (csv == null || csv.isBlank()) return List.of();
    return List.of(csv.split("\\s*,\\s*"));
  }
}
