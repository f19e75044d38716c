package dev.wattswarm.node.brain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.node.brain.BrainException.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A model behind the OpenAI chat-completions API, which OpenAI, vLLM, llama.cpp, LM Studio, Ollama's
 * /v1 and many hosted services speak: {@code POST {base_url}/chat/completions}, answered with one
 * JSON object, or with server-sent events ending in {@code data: [DONE]} when streaming.
 */
public final class OpenAiCompatibleBrain extends HttpBrain {
  public OpenAiCompatibleBrain(String name, BrainConfig config, Function<String, String> env) {
    super(name, config, env);
  }

  @Override
  protected String chatPath() {
    return "chat/completions";
  }

  @Override
  protected String streamType() {
    return "text/event-stream";
  }

  @Override
  protected ObjectNode chatBody(BrainRequest req, boolean stream) {
    ObjectNode o = chatMessages(req);
    o.put("temperature", req.temperature()).put("max_tokens", req.maxTokens()).put("stream", stream);
    // without this, streaming answers carry no token usage
    if (stream) o.putObject("stream_options").put("include_usage", true);
    return o;
  }

  @Override
  protected BrainReply parseReply(JsonNode body, String what) {
    JsonNode choice = body.path("choices").path(0);
    JsonNode content = choice.path("message").path("content");
    if (!choice.isObject() || !(content.isTextual() || content.isNull())) {
      throw malformed(what, "the answer has no choices[0].message.content: " + BrainErrors.snippet(body.toString()));
    }
    JsonNode usage = body.path("usage");
    return new BrainReply(content.asText(""), body.path("model").asText(config.model()), usage.path("prompt_tokens").asInt(0),
        usage.path("completion_tokens").asInt(0), choice.path("finish_reason").asText(""));
  }

  @Override
  protected StreamParser streamParser(String what) {
    return new SseStream(config.model(), (problem, serverSide) -> serverSide
        ? BrainErrors.failure(Kind.SERVER, what, endpoint(chatPath()).toString(), problem, this::advice, null)
        : malformed(what, problem));
  }

  @Override
  protected String advice(Kind kind) {
    String var = config.apiKeyEnv();
    return switch (kind) {
      case REFUSED -> "Start the server, or fix base_url.";
      case TIMEOUT -> "The server is slow or overloaded: raise timeout_ms, or use a smaller model.";
      case AUTH -> var != null ? "Check the key in $" + var + " (api_key_env): export a valid one and restart the node."
          : "The server wants a key: export it in an environment variable and name that variable in api_key_env.";
      case NOT_FOUND -> "Check model (GET " + config.baseUrl() + "/models lists them) and that base_url is the API root, usually ending in /v1.";
      case RATE_LIMITED -> "The account's rate limit or quota is exhausted: lower max_concurrent, wait, or raise the limit.";
      case SERVER -> "The server failed; try again later or check its logs.";
      case MALFORMED -> "Is base_url an OpenAI-compatible API root (usually ending in /v1)?";
      case BAD_REQUEST -> "The server refused the request: check model, and that the prompt fits the model's context.";
    };
  }

  /** The key first, then GET /models to see the server accepts it and lists the model. */
  @Override
  public Diagnosis doctor() {
    List<String> lines = new ArrayList<>();
    boolean ok = true;
    String var = config.apiKeyEnv();
    if (var == null) {
      lines.add("[info] no api_key_env: requests carry no key (fine for local servers such as llama.cpp, vLLM, LM Studio)");
    } else if (apiKey() == null) {
      lines.add("[fail] api_key_env is " + var + " but that environment variable is not set. Run `export " + var
          + "=<your key>` in the node's environment and restart it.");
      ok = false;
    } else {
      lines.add("[ok] an API key is set in $" + var);
    }
    JsonNode listing;
    try {
      listing = getJson("models", ok);
    } catch (BrainException e) {
      lines.add("[fail] " + e.getMessage());
      return new Diagnosis(false, lines);
    }
    JsonNode data = listing.path("data");
    if (!data.isArray()) {
      lines.add("[fail] GET " + endpoint("models") + " answered without a \"data\" list. " + advice(Kind.MALFORMED));
      return new Diagnosis(false, lines);
    }
    lines.add("[ok] the server answers at " + config.baseUrl() + (var != null && ok ? " and accepts the key" : ""));
    List<String> ids = new ArrayList<>();
    for (JsonNode m : data) ids.add(m.path("id").asText(""));
    if (ids.contains(config.model())) {
      lines.add("[ok] model '" + config.model() + "' is listed");
      return new Diagnosis(ok, lines);
    }
    lines.add("[fail] model '" + config.model() + "' is not among the " + ids.size() + " models the server lists"
        + (ids.isEmpty() ? "" : " (e.g. " + String.join(", ", ids.subList(0, Math.min(8, ids.size()))) + ")")
        + ". Fix model in the config.");
    return new Diagnosis(false, lines);
  }
}
