package dev.wattswarm.node.brain;

import static dev.wattswarm.node.brain.FakeServer.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.node.brain.BrainException.Kind;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenAI chat-completions wire format, against a real local HTTP server answering like the API. */
class OpenAiCompatibleBrainTest {
  static final String CHAT = "/v1/chat/completions";
  static final String KEY_VAR = "WS_TEST_OPENAI_KEY";
  static final String REPLY = """
      {"id":"chatcmpl-abc123","object":"chat.completion","created":1714560000,"model":"gpt-4o-mini-2024-07-18",\
      "choices":[{"index":0,"message":{"role":"assistant","content":"Paris."},"logprobs":null,"finish_reason":"stop"}],\
      "usage":{"prompt_tokens":19,"completion_tokens":2,"total_tokens":21},"system_fingerprint":"fp_1"}""";
  static final String BAD_KEY = """
      {"error":{"message":"Incorrect API key provided: sk-wrong. You can find your API key at https://platform.openai.com/account/api-keys.",\
      "type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""";

  FakeServer server;

  @BeforeEach
  void start() throws Exception {
    server = new FakeServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  OpenAiCompatibleBrain brain(int retries) {
    return new OpenAiCompatibleBrain("oai", BrainConfig.openAiCompatible(server.base() + "/v1/", "gpt-4o-mini", KEY_VAR)
        .withTimeoutMs(5000).withMaxRetries(retries), Map.of(KEY_VAR, "sk-test-123")::get);
  }

  static String event(String content, String finish) {
    String c = content == null ? "" : "\"content\":\"" + content + "\"";
    String f = finish == null ? "null" : "\"" + finish + "\"";
    return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1714560000,\"model\":\"gpt-4o-mini\","
        + "\"choices\":[{\"index\":0,\"delta\":{" + c + "},\"logprobs\":null,\"finish_reason\":" + f + "}]}\n\n";
  }

  static final String USAGE = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1714560000,"
      + "\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}\n\n";

  @Test
  void completeSendsTheKeyAndTheRequestAndParsesTheReply() {
    server.on(CHAT, (ex, n) -> FakeServer.json(ex, 200, REPLY));

    BrainReply r = brain(0).complete(new BrainRequest("be brief", "capital of France?", 0.5, 32));

    assertThat(r).isEqualTo(new BrainReply("Paris.", "gpt-4o-mini-2024-07-18", 19, 2, "stop"));
    FakeServer.Received req = server.last(CHAT);
    assertThat(req.header("Authorization")).isEqualTo("Bearer sk-test-123");
    JsonNode sent = req.json();
    assertThat(sent.path("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(sent.path("stream").asBoolean(true)).isFalse();
    assertThat(sent.path("temperature").asDouble()).isEqualTo(0.5);
    assertThat(sent.path("max_tokens").asInt()).isEqualTo(32);
    assertThat(sent.path("messages").get(0).path("role").asText()).isEqualTo("system");
    assertThat(sent.path("messages").get(1).path("content").asText()).isEqualTo("capital of France?");
  }

  @Test
  void streamReadsServerSentEventsInOrderUntilDone() {
    CountDownLatch clientSawFirst = new CountDownLatch(1);
    AtomicBoolean restWaitedForClient = new AtomicBoolean();
    server.on(CHAT, (ex, n) -> {
      OutputStream os = FakeServer.startStream(ex, "text/event-stream");
      FakeServer.chunk(os, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\","
          + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
      FakeServer.chunk(os, event("Hel", null));
      restWaitedForClient.set(clientSawFirst.await(10, TimeUnit.SECONDS));
      FakeServer.chunk(os, ": keep-alive\n\n");
      FakeServer.chunk(os, event("lo", null));
      FakeServer.chunk(os, event(" world", null));
      FakeServer.chunk(os, event(null, "length"));
      FakeServer.chunk(os, USAGE);
      FakeServer.chunk(os, "data: [DONE]\n\n");
      os.close();
    });
    List<String> tokens = new CopyOnWriteArrayList<>();

    BrainReply r = brain(0).stream(BrainRequest.of("greet"), t -> {
      tokens.add(t);
      clientSawFirst.countDown();
    });

    assertThat(tokens).containsExactly("Hel", "lo", " world");
    assertThat(restWaitedForClient).isTrue();
    assertThat(r).isEqualTo(new BrainReply("Hello world", "gpt-4o-mini", 9, 3, "length"));
    JsonNode sent = server.last(CHAT).json();
    assertThat(sent.path("stream").asBoolean(false)).isTrue();
    assertThat(server.last(CHAT).header("Accept")).isEqualTo("text/event-stream");
  }

  @Test
  void aStreamEndingWithoutDoneIsTruncated() {
    server.on(CHAT, (ex, n) -> {
      OutputStream os = FakeServer.startStream(ex, "text/event-stream");
      FakeServer.chunk(os, event("Hel", null));
      FakeServer.chunk(os, event("lo", null));
      os.close();
    });

    BrainException e = failure(() -> brain(2).stream(BrainRequest.of("hi"), t -> {}));

    assertThat(e.kind()).isEqualTo(Kind.MALFORMED);
    assertThat(e.getMessage()).contains(server.base() + CHAT, "data: [DONE]", "truncated");
  }

  @Test
  void plainJsonWhereEventsWereExpectedIsMalformed() {
    server.on(CHAT, (ex, n) -> FakeServer.json(ex, 200, REPLY));

    BrainException e = failure(() -> brain(0).stream(BrainRequest.of("hi"), t -> {}));

    assertThat(e.kind()).isEqualTo(Kind.MALFORMED);
    assertThat(e.getMessage()).contains("not server-sent events", "\"stream\": true");
  }

  @Test
  void aGarbageBodyIsMalformed() {
    server.on(CHAT, (ex, n) -> FakeServer.reply(ex, 200, "text/plain", "Hello from nginx"));

    BrainException e = failure(() -> brain(2).complete(BrainRequest.of("hi")));

    assertThat(e.kind()).isEqualTo(Kind.MALFORMED);
    assertThat(e.getMessage()).contains(server.base() + CHAT, "Hello from nginx", "ending in /v1");
    assertThat(server.hits(CHAT)).isEqualTo(1);
  }

  @Test
  void aRejectedKeyIsAuthAndIsNotRetried() {
    server.on(CHAT, (ex, n) -> FakeServer.json(ex, 401, BAD_KEY));

    BrainException e = failure(() -> brain(2).complete(BrainRequest.of("hi")));

    assertThat(e.kind()).isEqualTo(Kind.AUTH);
    assertThat(e.getMessage()).contains(server.base() + CHAT, "HTTP 401", "Incorrect API key provided", "invalid_api_key", "$" + KEY_VAR)
        .doesNotContain("sk-test-123");
    assertThat(server.hits(CHAT)).isEqualTo(1);
  }

  @Test
  void aMissingKeyVariableIsAuthNamingItAndSendsNothing() {
    String unset = "WATTSWARM_TEST_UNSET_KEY_9F3C2A";
    assertThat(System.getenv(unset)).as("precondition: the variable must be unset").isNull();
    Brain b = Brain.create("oai", BrainConfig.openAiCompatible(server.base() + "/v1", "gpt-4o-mini", unset));

    BrainException e = failure(() -> b.complete(BrainRequest.of("hi")));

    assertThat(e.kind()).isEqualTo(Kind.AUTH);
    assertThat(e.getMessage()).contains(unset, "export " + unset);
    assertThat(server.hits(CHAT)).isZero();
  }

  @Test
  void anUnknownModelIsNotFound() {
    server.on(CHAT, (ex, n) -> FakeServer.json(ex, 404, """
        {"error":{"message":"The model `gpt-9` does not exist or you do not have access to it.","type":"invalid_request_error",\
        "param":null,"code":"model_not_found"}}"""));

    BrainException e = failure(() -> brain(2).complete(BrainRequest.of("hi")));

    assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(e.getMessage()).contains(server.base() + CHAT, "HTTP 404", "does not exist", "/v1/models");
    assertThat(server.hits(CHAT)).isEqualTo(1);
  }

  @Test
  void rateLimitedCarriesRetryAfter() {
    server.on(CHAT, (ex, n) -> FakeServer.json(ex, 429,
        "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}",
        "Retry-After", "1"));

    BrainException e = failure(() -> brain(0).complete(BrainRequest.of("hi")));

    assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
    assertThat(e.retryAfterMs()).hasValue(1000);
    assertThat(e.getMessage()).contains(server.base() + CHAT, "HTTP 429", "Rate limit reached", "Retry-After 1 s", "max_concurrent");
  }

  @Test
  void aServerErrorIsServer() {
    server.on(CHAT, (ex, n) -> FakeServer.reply(ex, 502, "text/html", "<html><h1>502 Bad Gateway</h1></html>"));

    BrainException e = failure(() -> brain(0).complete(BrainRequest.of("hi")));

    assertThat(e.kind()).isEqualTo(Kind.SERVER);
    assertThat(e.getMessage()).contains("HTTP 502", "502 Bad Gateway");
  }

  @Test
  void aTooLongPromptIsABadRequest() {
    server.on(CHAT, (ex, n) -> FakeServer.json(ex, 400, """
        {"error":{"message":"This model's maximum context length is 128000 tokens.","type":"invalid_request_error",\
        "param":"messages","code":"context_length_exceeded"}}"""));

    BrainException e = failure(() -> brain(2).complete(BrainRequest.of("hi")));

    assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
    assertThat(e.getMessage()).contains("maximum context length", "context_length_exceeded");
    assertThat(server.hits(CHAT)).isEqualTo(1);
  }

  @Test
  void anErrorEventMidStreamIsAServerFailure() {
    server.on(CHAT, (ex, n) -> {
      OutputStream os = FakeServer.startStream(ex, "text/event-stream");
      FakeServer.chunk(os, event("Hi", null));
      FakeServer.chunk(os, "data: {\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\"}}\n\n");
      os.close();
    });

    BrainException e = failure(() -> brain(0).stream(BrainRequest.of("hi"), t -> {}));

    assertThat(e.kind()).isEqualTo(Kind.SERVER);
    assertThat(e.getMessage()).contains("The server had an error while processing your request");
  }
}
