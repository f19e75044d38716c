package dev.wattswarm.node.brain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.util.function.Consumer;

/**
 * Reads an OpenAI-style streaming answer: server-sent events whose data is a chat-completion chunk
 * ({@code choices[0].delta.content}), ended by {@code data: [DONE]}. Events are dispatched on the
 * blank line that ends them, as the SSE spec says, so multi-line data is joined correctly.
 */
final class SseStream implements HttpBrain.StreamParser {
  /** Builds the exception for a problem; {@code serverSide} when the server reported an error itself. */
  interface Failure {
    BrainException of(String problem, boolean serverSide);
  }

  private final String model;
  private final Failure failure;
  private final StringBuilder text = new StringBuilder();
  private final StringBuilder data = new StringBuilder();
  private boolean pending;
  private String answeredModel;
  private String finishReason = "";
  private int promptTokens;
  private int completionTokens;

  SseStream(String model, Failure failure) {
    this.model = model;
    this.failure = failure;
  }

  @Override
  public boolean line(String line, Consumer<String> onToken) {
    if (line.isEmpty()) return dispatch(onToken);
    if (line.startsWith(":")) return false; // a comment, e.g. a keep-alive
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.startsWith(" ")) value = value.substring(1);
    switch (field) {
      case "data" -> {
        if (pending) data.append('\n');
        data.append(value);
        pending = true;
      }
      case "event", "id", "retry" -> { }
      default -> throw failure.of(line.startsWith("{")
          ? "the stream is plain JSON, not server-sent events: does this server support \"stream\": true?"
          : "a line is not a server-sent event: '" + BrainErrors.snippet(line) + "'", false);
    }
    return false;
  }

  /** Servers that close right after their last event, without the blank line, still count. */
  @Override
  public boolean end(Consumer<String> onToken) {
    return dispatch(onToken);
  }

  private boolean dispatch(Consumer<String> onToken) {
    if (!pending) return false;
    String d = data.toString();
    data.setLength(0);
    pending = false;
    if (d.strip().equals("[DONE]")) return true;
    JsonNode j;
    try {
      j = CanonicalJson.parse(d);
    } catch (IllegalArgumentException e) {
      throw failure.of("an event's data is not JSON: '" + BrainErrors.snippet(d) + "'", false);
    }
    if (j.has("error")) throw failure.of("the server reported mid-answer: " + BrainErrors.serverMessage(d), true);
    if (j.path("model").isTextual()) answeredModel = j.path("model").asText();
    JsonNode choice = j.path("choices").path(0);
    JsonNode content = choice.path("delta").path("content");
    if (content.isTextual() && !content.asText().isEmpty()) {
      text.append(content.asText());
      onToken.accept(content.asText());
    } else if (!content.isMissingNode() && !content.isNull() && !content.isTextual()) {
      throw failure.of("an event's choices[0].delta.content is not text", false);
    }
    if (choice.path("finish_reason").isTextual()) finishReason = choice.path("finish_reason").asText();
    JsonNode usage = j.path("usage");
    if (usage.isObject()) {
      promptTokens = usage.path("prompt_tokens").asInt(0);
      completionTokens = usage.path("completion_tokens").asInt(0);
    }
    return false;
  }

  @Override
  public BrainReply reply() {
    return new BrainReply(text.toString(), answeredModel != null ? answeredModel : model, promptTokens, completionTokens, finishReason);
  }

  @Override
  public String missingEnd() {
    return "'data: [DONE]'";
  }
}
