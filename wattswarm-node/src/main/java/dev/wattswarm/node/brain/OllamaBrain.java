package dev.wattswarm.node.brain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.brain.BrainException.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A model served by Ollama's native API: {@code POST /api/chat}, answered with one JSON object, or
 * with newline-delimited JSON objects when streaming, the last one carrying {@code "done": true}.
 */
public final class OllamaBrain extends HttpBrain {
  public OllamaBrain(String name, BrainConfig config, Function<String, String> env) {
    super(name, config, env);
  }

  @Override
  protected String chatPath() {
    return "api/chat";
  }

  @Override
  protected String streamType() {
    return "application/x-ndjson";
  }

  @Override
  protected ObjectNode chatBody(BrainRequest req, boolean stream) {
    ObjectNode o = chatMessages(req);
    o.put("stream", stream);
    o.putObject("options").put("temperature", req.temperature()).put("num_predict", req.maxTokens());
    return o;
  }

  @Override
  protected BrainReply parseReply(JsonNode body, String what) {
    JsonNode content = body.path("message").path("content");
    if (!content.isTextual()) throw malformed(what, "the answer has no message.content text: " + BrainErrors.snippet(body.toString()));
    return new BrainReply(content.asText(), body.path("model").asText(config.model()), body.path("prompt_eval_count").asInt(0),
        body.path("eval_count").asInt(0), body.path("done_reason").asText("stop"));
  }

  @Override
  protected StreamParser streamParser(String what) {
    return new StreamParser() {
      final StringBuilder text = new StringBuilder();
      BrainReply reply;

      @Override
      public boolean line(String line, Consumer<String> onToken) {
        if (line.isBlank()) return false;
        JsonNode j;
        try {
          j = CanonicalJson.parse(line);
        } catch (IllegalArgumentException e) {
          throw malformed(what, "a stream line is not JSON: '" + BrainErrors.snippet(line) + "'");
        }
        if (j.path("error").isTextual()) {
          throw BrainErrors.failure(Kind.SERVER, what, endpoint(chatPath()).toString(), "the model failed mid-answer: "
              + BrainErrors.snippet(j.path("error").asText()), OllamaBrain.this::advice, null);
        }
        JsonNode content = j.path("message").path("content");
        if (!content.isMissingNode() && !content.isTextual()) throw malformed(what, "a stream line's message.content is not text");
        String delta = content.asText("");
        if (!delta.isEmpty()) {
          text.append(delta);
          onToken.accept(delta);
        }
        if (!j.path("done").asBoolean(false)) return false;
        reply = new BrainReply(text.toString(), j.path("model").asText(config.model()), j.path("prompt_eval_count").asInt(0),
            j.path("eval_count").asInt(0), j.path("done_reason").asText("stop"));
        return true;
      }

      @Override
      public BrainReply reply() {
        return reply;
      }

      @Override
      public String missingEnd() {
        return "a final {\"done\": true} line";
      }
    };
  }

  @Override
  protected String advice(Kind kind) {
    String m = config.model();
    return switch (kind) {
      case REFUSED -> "Start Ollama (`ollama serve`), or fix base_url (Ollama listens on " + BrainConfig.OLLAMA_DEFAULT_URL + " by default).";
      case TIMEOUT -> "The model may still be loading or too big for this machine: raise timeout_ms, or use a smaller model.";
      case AUTH -> "Ollama itself needs no key, so a proxy in front of it refused: set api_key_env to the variable holding its key.";
      case NOT_FOUND -> "Run `ollama pull " + m + "` (or set model to one `ollama list` shows); if it is there, check that base_url points at Ollama itself.";
      case RATE_LIMITED -> "Lower max_concurrent, or wait.";
      case SERVER -> "Ollama failed; its log (`journalctl -u ollama` or the `ollama serve` terminal) says why, often too little memory for " + m + ".";
      case MALFORMED -> "Is base_url an Ollama server (e.g. " + BrainConfig.OLLAMA_DEFAULT_URL + "), and not an OpenAI-compatible /v1 API?";
      case BAD_REQUEST -> "Ollama refused the request; check model and that this Ollama is recent enough for /api/chat.";
    };
  }

  /** GET /api/tags and find the model, accepting "llama3" for "llama3:latest" and the reverse. */
  @Override
  public Diagnosis doctor() {
    List<String> lines = new ArrayList<>();
    JsonNode tags;
    try {
      tags = getJson("api/tags", true);
    } catch (BrainException e) {
      lines.add("[fail] " + e.getMessage());
      return new Diagnosis(false, lines);
    }
    JsonNode models = tags.path("models");
    if (!models.isArray()) {
      lines.add("[fail] GET " + endpoint("api/tags") + " answered without a \"models\" list. " + advice(Kind.MALFORMED));
      return new Diagnosis(false, lines);
    }
    lines.add("[ok] Ollama answers at " + config.baseUrl());
    List<String> names = new ArrayList<>();
    for (JsonNode mdl : models) names.add(mdl.path("name").asText(mdl.path("model").asText("")));
    String want = withTag(config.model());
    if (names.stream().anyMatch(n -> withTag(n).equals(want))) {
      lines.add("[ok] model '" + config.model() + "' is pulled");
      return new Diagnosis(true, lines);
    }
    lines.add("[fail] model '" + config.model() + "' is not pulled on this Ollama (it has: "
        + (names.isEmpty() ? "no models" : String.join(", ", names)) + "). Run `ollama pull " + config.model() + "`.");
    return new Diagnosis(false, lines);
  }

  /** Ollama calls an untagged model ":latest"; only the last path segment carries the tag. */
  static String withTag(String model) {
    int slash = model.lastIndexOf('/');
    return model.indexOf(':', slash + 1) >= 0 ? model : model + ":latest";
  }
}
