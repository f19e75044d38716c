package dev.wattswarm.node.brain;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How to reach a brain. The API key is never part of it: {@code apiKeyEnv} names the environment
 * variable that holds it, so config files can be shared and logged without leaking secrets.
 *
 * @param baseUrl without a trailing slash; null for rules
 * @param apiKeyEnv null when the server needs no key
 * @param maxRetries extra attempts after transient failures (refused, timeout, 429, 5xx)
 */
public record BrainConfig(Kind kind, String baseUrl, String model, String apiKeyEnv, long timeoutMs, int maxRetries,
    double temperature) {
  public static final long DEFAULT_TIMEOUT_MS = 60_000;
  public static final int DEFAULT_MAX_RETRIES = 2;
  /** Zero because quorum votes only agree when honest executors give the same answer. */
  public static final double DEFAULT_TEMPERATURE = 0.0;
  public static final String OLLAMA_DEFAULT_URL = "http://127.0.0.1:11434";

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  public enum Kind {
    RULES("rules"), OLLAMA("ollama"), OPENAI_COMPATIBLE("openai-compatible");

    private final String wire;

    Kind(String wire) {
      this.wire = wire;
    }

    /** The spelling in config files. */
    public String wire() {
      return wire;
    }

    static Kind ofWire(String s) {
      for (Kind k : values()) if (k.wire.equals(s)) return k;
      return null;
    }
  }

  public BrainConfig {
    if (kind == null) throw new IllegalArgumentException("kind is required");
    if (kind != Kind.RULES && (baseUrl == null || model == null)) throw new IllegalArgumentException(kind.wire + " needs a base URL and a model");
    while (baseUrl != null && baseUrl.endsWith("/")) baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
    if (timeoutMs < 1) throw new IllegalArgumentException("timeoutMs must be positive");
    if (maxRetries < 0) throw new IllegalArgumentException("maxRetries must not be negative");
  }

  public static BrainConfig ollama(String baseUrl, String model) {
    return new BrainConfig(Kind.OLLAMA, baseUrl, model, null, DEFAULT_TIMEOUT_MS, DEFAULT_MAX_RETRIES, DEFAULT_TEMPERATURE);
  }

  public static BrainConfig openAiCompatible(String baseUrl, String model, String apiKeyEnv) {
    return new BrainConfig(Kind.OPENAI_COMPATIBLE, baseUrl, model, apiKeyEnv, DEFAULT_TIMEOUT_MS, DEFAULT_MAX_RETRIES,
        DEFAULT_TEMPERATURE);
  }

  public static BrainConfig rules() {
    return new BrainConfig(Kind.RULES, null, "rules", null, DEFAULT_TIMEOUT_MS, 0, DEFAULT_TEMPERATURE);
  }

  public BrainConfig withTimeoutMs(long ms) {
    return new BrainConfig(kind, baseUrl, model, apiKeyEnv, ms, maxRetries, temperature);
  }

  public BrainConfig withMaxRetries(int n) {
    return new BrainConfig(kind, baseUrl, model, apiKeyEnv, timeoutMs, n, temperature);
  }

  /**
   * Reads {@code kind, base_url, model, api_key_env, timeout_ms, max_retries, temperature}.
   *
   * @param where how errors name the object, e.g. {@code executors[2]}
   * @throws IllegalArgumentException naming the field that is wrong and what it must be
   */
  public static BrainConfig fromJson(JsonNode n, String where) {
    String at = where == null || where.isEmpty() ? "" : where + ".";
    if (n == null || !n.isObject()) throw new IllegalArgumentException((at.isEmpty() ? "a brain" : where) + " must be a JSON object");
    if (n.has("api_key")) {
      throw new IllegalArgumentException(at + "api_key: keys never go in config; export the key in an environment variable"
          + " and put that variable's name in api_key_env");
    }
    Kind kind = Kind.ofWire(n.path("kind").asText(""));
    if (kind == null) {
      throw new IllegalArgumentException(at + "kind must be one of "
          + String.join(", ", Arrays.stream(Kind.values()).map(Kind::wire).toList()));
    }
    long timeout = whole(n, "timeout_ms", at, DEFAULT_TIMEOUT_MS, 1, 3_600_000);
    int retries = (int) whole(n, "max_retries", at, DEFAULT_MAX_RETRIES, 0, 10);
    double temperature = DEFAULT_TEMPERATURE;
    if (n.has("temperature")) {
      JsonNode t = n.get("temperature");
      if (!t.isNumber() || !(t.asDouble() >= 0 && t.asDouble() <= 2)) throw new IllegalArgumentException(at + "temperature must be a number 0-2");
      temperature = t.asDouble();
    }
    String keyEnv = null;
    if (n.hasNonNull("api_key_env")) {
      keyEnv = n.get("api_key_env").asText("");
      if (!n.get("api_key_env").isTextual() || !ENV_NAME.matcher(keyEnv).matches()) {
        throw new IllegalArgumentException(at + "api_key_env must be the name of an environment variable (letters, digits, _),"
            + " e.g. OPENAI_API_KEY, not the key itself");
      }
    }
    if (kind == Kind.RULES) return new BrainConfig(kind, null, text(n, "model", "rules"), keyEnv, timeout, retries, temperature);
    String url = baseUrl(n, at, kind);
    String model = text(n, "model", "");
    if (model.isBlank() || model.length() > 200) {
      throw new IllegalArgumentException(at + "model is required: the model's name as the server knows it, e.g. "
          + (kind == Kind.OLLAMA ? "llama3.2" : "gpt-4o-mini"));
    }
    return new BrainConfig(kind, url, model.strip(), keyEnv, timeout, retries, temperature);
  }

  private static String baseUrl(JsonNode n, String at, Kind kind) {
    if (!n.has("base_url") && kind == Kind.OLLAMA) return OLLAMA_DEFAULT_URL;
    String s = text(n, "base_url", "");
    String example = kind == Kind.OLLAMA ? OLLAMA_DEFAULT_URL : "https://api.openai.com/v1";
    URI u;
    try {
      u = new URI(s);
    } catch (URISyntaxException e) {
      u = null;
    }
    String scheme = u == null || u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (u == null || !(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null || u.getQuery() != null
        || u.getFragment() != null) {
      throw new IllegalArgumentException(at + "base_url must be an http(s) URL, e.g. " + example + (s.isEmpty() ? "" : "; got '" + s + "'"));
    }
    String path = u.getPath() == null ? "" : u.getPath().replaceAll("/+$", "");
    if (kind == Kind.OLLAMA && path.endsWith("/v1")) {
      throw new IllegalArgumentException(at + "base_url ends in /v1, Ollama's OpenAI-compatible API: use kind openai-compatible"
          + " with it, or drop /v1 for kind ollama");
    }
    return s;
  }

  private static String text(JsonNode n, String field, String dflt) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? dflt : v.isTextual() ? v.asText() : "";
  }

  private static long whole(JsonNode n, String field, String at, long dflt, long min, long max) {
    if (!n.has(field)) return dflt;
    JsonNode v = n.get(field);
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
      throw new IllegalArgumentException(at + field + " must be a whole number " + min + "-" + max);
    }
    return v.asLong();
  }
}
