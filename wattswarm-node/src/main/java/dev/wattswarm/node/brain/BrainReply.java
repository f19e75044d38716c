package dev.wattswarm.node.brain;

/**
 * What a brain answered.
 *
 * @param model the model that answered, as the server names it
 * @param promptTokens 0 when the server does not report usage
 * @param finishReason why generation stopped ("stop", "length", ...), as the server says it
 */
public record BrainReply(String text, String model, int promptTokens, int completionTokens, String finishReason) {}
