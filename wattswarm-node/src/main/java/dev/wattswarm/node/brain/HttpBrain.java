package dev.wattswarm.node.brain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.brain.BrainException.Kind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What every HTTP brain shares: the key from the environment, retries, deadlines, and turning
 * statuses into {@link BrainException}s. Subclasses supply the API's wire format and its advice.
 */
abstract class HttpBrain implements Brain {
  /** Bigger than any sane chat reply, small enough that a runaway body cannot exhaust the heap. */
  static final int MAX_BODY_CHARS = 8 << 20;
  /** Doctor must answer quickly even when the configured timeout is minutes. */
  static final long DOCTOR_TIMEOUT_MS = 10_000;

  protected final String name;
  protected final BrainConfig config;
  private final Function<String, String> env;
  private final HttpClient http;
  private final Retry retry;

  HttpBrain(String name, BrainConfig config, Function<String, String> env) {
    this.name = name;
    this.config = config;
    this.env = env;
    this.retry = new Retry(config.maxRetries());
    // HTTP/1.1: for plain http the HTTP/2 client first asks to upgrade, which some local model servers mishandle
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofMillis(config.timeoutMs())).build();
  }

  /** The chat endpoint, relative to the base URL. */
  protected abstract String chatPath();

  /** The model and the system + user messages: the part of a chat request both wire formats share. */
  protected ObjectNode chatMessages(BrainRequest req) {
    ObjectNode o = dev.wattswarm.kernel.json.CanonicalJson.object();
    o.put("model", config.model());
    com.fasterxml.jackson.databind.node.ArrayNode messages = o.putArray("messages");
    if (!req.system().isEmpty()) messages.addObject().put("role", "system").put("content", req.system());
    messages.addObject().put("role", "user").put("content", req.prompt());
    return o;
  }

  protected abstract ObjectNode chatBody(BrainRequest req, boolean stream);

  /** The media type a streaming answer comes in. */
  protected abstract String streamType();

  /** Reads a whole non-streaming answer; throws MALFORMED when it is not the API's shape. */
  protected abstract BrainReply parseReply(JsonNode body, String what);

  protected abstract StreamParser streamParser(String what);

  /** What the operator should do about a failure of this kind, in this API's terms. */
  protected abstract String advice(Kind kind);

  /** Reads one streaming answer, line by line. */
  interface StreamParser {
    /** @return true when this line ends the stream */
    boolean line(String line, Consumer<String> onToken);

    /** Called at the end of the body; @return true when what was read so far is a complete stream */
    default boolean end(Consumer<String> onToken) {
      return false;
    }

    BrainReply reply();

    /** Names the end marker that never came, for the MALFORMED message. */
    String missingEnd();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public BrainReply complete(BrainRequest req) {
    return retry.run(() -> {
      try (HttpLines x = post(req, false)) {
        String what = "POST " + endpoint(chatPath());
        return parseReply(json(x.readAll(MAX_BODY_CHARS), what, "an answer from " + chatPath()), what);
      }
    }, () -> true);
  }

  @Override
  public BrainReply stream(BrainRequest req, Consumer<String> onToken) {
    AtomicBoolean handedOver = new AtomicBoolean();
    Consumer<String> tracked = t -> {
      handedOver.set(true);
      onToken.accept(t);
    };
    return retry.run(() -> {
      try (HttpLines x = post(req, true)) {
        String what = "POST " + endpoint(chatPath());
        StreamParser p = streamParser(what);
        for (String line; (line = x.nextLine()) != null; ) {
          if (p.line(line, tracked)) return p.reply();
        }
        if (p.end(tracked)) return p.reply();
        throw BrainErrors.failure(Kind.MALFORMED, what, endpoint(chatPath()).toString(), "the stream ended without "
            + p.missingEnd() + ", so the answer is truncated", this::advice, null);
      }
    }, () -> !handedOver.get());
  }

  private HttpLines post(BrainRequest req, boolean stream) {
    URI uri = endpoint(chatPath());
    HttpRequest.Builder b = HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/json")
        .header("Accept", stream ? streamType() : "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(CanonicalJson.encode(chatBody(req, stream))));
    authorization().forEach(b::header);
    return checked(HttpLines.open(http, b.build(), "POST " + uri, config.timeoutMs(), stream, this::advice));
  }

  /**
   * GETs a JSON object without retries, for {@link #doctor()}.
   *
   * @param withKey false to probe a server whose key is missing
   */
  protected JsonNode getJson(String path, boolean withKey) {
    URI uri = endpoint(path);
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "application/json").GET();
    if (withKey) authorization().forEach(b::header);
    long timeout = Math.min(config.timeoutMs(), DOCTOR_TIMEOUT_MS);
    try (HttpLines x = checked(HttpLines.open(http, b.build(), "GET " + uri, timeout, false, this::advice))) {
      return json(x.readAll(MAX_BODY_CHARS), "GET " + uri, "an answer from " + path);
    }
  }

  private HttpLines checked(HttpLines x) {
    if (x.status() / 100 == 2) return x;
    try (x) {
      String body = x.readSome(4096);
      throw BrainErrors.forStatus(x.what(), x.url(), x.status(), body, x::header, this::advice);
    }
  }

  /** The Authorization header when a key is configured. */
  protected Map<String, String> authorization() {
    if (config.apiKeyEnv() == null) return Map.of();
    String key = apiKey();
    if (key == null) {
      throw new BrainException(Kind.AUTH, config.baseUrl(), name + ": no API key: api_key_env is " + config.apiKeyEnv()
          + " but that environment variable is not set. Run `export " + config.apiKeyEnv() + "=<your key>` in the node's"
          + " environment and restart it, or remove api_key_env if " + config.baseUrl() + " needs no key.");
    }
    return Map.of("Authorization", "Bearer " + key);
  }

  /** The key, or null when api_key_env is unset, or names a variable that is not set. */
  protected String apiKey() {
    if (config.apiKeyEnv() == null) return null;
    String key = env.apply(config.apiKeyEnv());
    return key == null || key.isBlank() ? null : key.strip();
  }

  /** The base URL with {@code path} appended; appended, not resolved, so a base ending in /v1 keeps it. */
  protected URI endpoint(String path) {
    return URI.create(config.baseUrl() + "/" + path);
  }

  protected JsonNode json(String body, String what, String expected) {
    try {
      JsonNode j = CanonicalJson.parse(body);
      if (j.isObject()) return j;
    } catch (IllegalArgumentException e) {
      // reported below with the body, which says more than the parser's position
    }
    throw BrainErrors.failure(Kind.MALFORMED, what, what.substring(what.indexOf(' ') + 1), "the body is not " + expected
        + " (a JSON object); it starts with '" + BrainErrors.snippet(body) + "'", this::advice, null);
  }

  /** A MALFORMED failure for a reply missing what the API promises. */
  protected BrainException malformed(String what, String problem) {
    return BrainErrors.failure(Kind.MALFORMED, what, what.substring(what.indexOf(' ') + 1), problem, this::advice, null);
  }
}
