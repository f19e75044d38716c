package dev.wattswarm.node.brain;

import static dev.wattswarm.node.brain.FakeServer.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wattswarm.node.brain.BrainException.Kind;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which failures are retried, how long between attempts, and which are not retried at all. */
class BrainRetryTest {
  static final String OLLAMA = "/api/chat";
  static final String OPENAI = "/v1/chat/completions";
  static final String OK_OPENAI = """
      {"id":"chatcmpl-1","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant",\
      "content":"fine"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""";

  FakeServer server;

  @BeforeEach
  void start() throws Exception {
    server = new FakeServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  Brain ollama(long timeoutMs, int retries) {
    return new OllamaBrain("o", BrainConfig.ollama(server.base(), "llama3").withTimeoutMs(timeoutMs).withMaxRetries(retries), v -> null);
  }

  Brain openAi(int retries) {
    return new OpenAiCompatibleBrain("a", BrainConfig.openAiCompatible(server.base() + "/v1", "m", "K").withTimeoutMs(5000)
        .withMaxRetries(retries), Map.of("K", "sk-1")::get);
  }

  static long millisSince(long t0) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }

  @Test
  void aServerErrorFollowedBySuccessSucceeds() {
    server.on(OPENAI, (ex, n) -> {
      if (n == 1) FakeServer.json(ex, 500, "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}");
      else FakeServer.json(ex, 200, OK_OPENAI);
    });
    long t0 = System.nanoTime();

    BrainReply r = openAi(2).complete(BrainRequest.of("hi"));

    assertThat(r.text()).isEqualTo("fine");
    assertThat(server.hits(OPENAI)).isEqualTo(2);
    assertThat(millisSince(t0)).as("the first backoff is 200 ms").isGreaterThanOrEqualTo(190);
  }

  @Test
  void persistentServerErrorsGiveUpAfterMaxRetries() {
    server.on(OLLAMA, (ex, n) -> FakeServer.json(ex, 500, "{\"error\":\"llama runner process has terminated: signal: killed\"}"));

    BrainException e = failure(() -> ollama(5000, 2).complete(BrainRequest.of("hi")));

    assertThat(e.kind()).isEqualTo(Kind.SERVER);
    assertThat(e.getMessage()).contains("HTTP 500", "signal: killed", "gave up after 3 attempts");
    assertThat(server.hits(OLLAMA)).isEqualTo(3);
  }

  @Test
  void rateLimitedWaitsForRetryAfterThenSucceeds() {
    server.on(OPENAI, (ex, n) -> {
      if (n == 1) FakeServer.json(ex, 429, "{\"error\":{\"message\":\"Rate limit reached\",\"code\":\"rate_limit_exceeded\"}}", "Retry-After", "1");
      else FakeServer.json(ex, 200, OK_OPENAI);
    });
    long t0 = System.nanoTime();

    BrainReply r = openAi(1).complete(BrainRequest.of("hi"));

    assertThat(r.text()).isEqualTo("fine");
    assertThat(server.hits(OPENAI)).isEqualTo(2);
    assertThat(millisSince(t0)).as("waited the server's Retry-After, not the 200 ms backoff").isGreaterThanOrEqualTo(950);
  }

  @Test
  void aRejectedKeyIsNeverRetried() {
    server.on(OPENAI, (ex, n) -> FakeServer.json(ex, 401, "{\"error\":{\"message\":\"Incorrect API key provided\",\"code\":\"invalid_api_key\"}}"));

    BrainException e = failure(() -> openAi(5).complete(BrainRequest.of("hi")));

    assertThat(e.kind()).isEqualTo(Kind.AUTH);
    assertThat(e.getMessage()).doesNotContain("gave up");
    assertThat(server.hits(OPENAI)).isEqualTo(1);
  }

  @Test
  void timeoutsAreRetried() {
    server.on(OLLAMA, (ex, n) -> server.stall());

    BrainException e = failure(() -> ollama(200, 1).complete(BrainRequest.of("hi")));

    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(e.getMessage()).contains("gave up after 2 attempts");
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(server.hits(OLLAMA)).isEqualTo(2));
  }

  @Test
  void aRefusedConnectionFailsQuicklyNamingTheUrl() {
    String base = server.base();
    server.close();
    Brain b = new OllamaBrain("o", BrainConfig.ollama(base, "llama3").withMaxRetries(0), v -> null);
    long t0 = System.nanoTime();

    BrainException e = failure(() -> b.complete(BrainRequest.of("hi")));

    assertThat(e.kind()).isEqualTo(Kind.REFUSED);
    assertThat(e.url()).isEqualTo(base + OLLAMA);
    assertThat(e.getMessage()).contains(base + OLLAMA, "connection refused", "ollama serve");
    assertThat(millisSince(t0)).as("no retries, no backoff: well under the 5 s timeout it never reached").isLessThan(30_000);
  }

  @Test
  void aRefusedConnectionIsRetriedWithBackoff() {
    String base = server.base();
    server.close();
    Brain b = new OllamaBrain("o", BrainConfig.ollama(base, "llama3").withMaxRetries(2), v -> null);
    long t0 = System.nanoTime();

    BrainException e = failure(() -> b.complete(BrainRequest.of("hi")));

    assertThat(e.kind()).isEqualTo(Kind.REFUSED);
    assertThat(e.getMessage()).contains("gave up after 3 attempts");
    assertThat(millisSince(t0)).as("200 ms + 400 ms of backoff").isBetween(580L, 60_000L);
  }

  @Test
  void aStreamIsRetriedBeforeItsFirstTokenButNotAfter() {
    server.on(OLLAMA, (ex, n) -> {
      if (n == 1) {
        FakeServer.json(ex, 503, "{\"error\":\"server busy\"}");
        return;
      }
      OutputStream os = FakeServer.startStream(ex, "application/x-ndjson");
      FakeServer.chunk(os, OllamaBrainTest.line("partial", false));
      FakeServer.chunk(os, "{\"error\":\"llama runner process has terminated\"}\n");
      os.close();
    });
    List<String> tokens = new CopyOnWriteArrayList<>();

    BrainException e = failure(() -> ollama(5000, 3).stream(BrainRequest.of("hi"), tokens::add));

    assertThat(e.kind()).isEqualTo(Kind.SERVER);
    assertThat(e.getMessage()).contains("llama runner process has terminated");
    assertThat(server.hits(OLLAMA)).as("the 503 was retried, the failure after a token was not").isEqualTo(2);
    assertThat(tokens).containsExactly("partial");
  }

  @Test
  void backoffDoublesAndRetryAfterWinsButIsCapped() {
    BrainException plain = new BrainException(Kind.SERVER, "u", "m");
    assertThat(Retry.waitMs(0, plain)).isEqualTo(200);
    assertThat(Retry.waitMs(1, plain)).isEqualTo(400);
    assertThat(Retry.waitMs(2, plain)).isEqualTo(800);
    assertThat(Retry.waitMs(0, new BrainException(Kind.RATE_LIMITED, "u", "m", 1000, null))).isEqualTo(1000);
    assertThat(Retry.waitMs(0, new BrainException(Kind.RATE_LIMITED, "u", "m", 3_600_000, null))).isEqualTo(Retry.MAX_WAIT_MS);
  }
}
