package dev.wattswarm.node.brain;

import java.util.List;

/**
 * The outcome of {@link Brain#doctor()}: whether the brain can work, and lines for a human, each
 * saying what was checked, what is wrong and what to do.
 */
public record Diagnosis(boolean ok, List<String> lines) {
  public Diagnosis {
    lines = List.copyOf(lines);
  }

  /** The lines, one per row, for a terminal. */
  public String render() {
    return String.join(System.lineSeparator(), lines);
  }
}
