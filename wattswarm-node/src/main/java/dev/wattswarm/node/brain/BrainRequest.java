package dev.wattswarm.node.brain;

/**
 * One question for a brain.
 *
 * @param system instructions that frame the prompt; empty for none
 * @param temperature 0 (repeatable) to 2 (creative)
 * @param maxTokens upper bound on the reply's length, in the model's tokens
 */
public record BrainRequest(String system, String prompt, double temperature, int maxTokens) {
  public BrainRequest {
    system = system == null ? "" : system;
    if (prompt == null) throw new IllegalArgumentException("prompt is required");
    if (!(temperature >= 0 && temperature <= 2)) throw new IllegalArgumentException("temperature must be 0-2, got " + temperature);
    if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be at least 1, got " + maxTokens);
  }

  public static BrainRequest of(String prompt) {
    return new BrainRequest("", prompt, 0.0, 1024);
  }
}
