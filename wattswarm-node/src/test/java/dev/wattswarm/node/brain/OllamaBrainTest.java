package dev.wattswarm.node.brain;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.wattswarm.node.brain.FakeServer.failure;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.node.brain.BrainException.Kind;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Ollama's /api/chat wire format, against a real local HTTP server answering like Ollama does. */
class OllamaBrainTest {
  static final String CHAT = "/api/chat";
  static final String REPLY = """
      {"model":"llama3","created_at":"2024-05-01T10:00:00Z","message":{"role":"assistant","content":"Paris is the capital."},\
      "done_reason":"stop","done":true,"total_duration":123,"prompt_eval_count":26,"eval_count":7}""";

  FakeServer server;

  @BeforeEach
  void start() throws Exception {
    server = new FakeServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  OllamaBrain brain(long timeoutMs, int retries) {
    return new OllamaBrain("olla", BrainConfig.ollama(server.base(), "llama3").withTimeoutMs(timeoutMs).withMaxRetries(retries),
        v -> null);
  }

  static String line(String content, boolean done) {
    return done
        ? "{\"model\":\"llama3\",\"created_at\":\"2024-05-01T10:00:01Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},"
            + "\"done\":true,\"done_reason\":\"stop\",\"total_duration\":99,\"prompt_eval_count\":12,\"eval_count\":3}\n"
        : "{\"model\":\"llama3\",\"created_at\":\"2024-05-01T10:00:00Z\",\"message\":{\"role\":\"assistant\",\"content\":\""
            + content + "\"},\"done\":false}\n";
  }

  @Test
  void completeSendsOllamasRequestAndParsesTheReply() {
    server.on(CHAT, (ex, n) -> FakeServer.json(ex, 200, REPLY));

    BrainReply r = brain(5000, 0).complete(new BrainRequest("be brief", "capital of France?", 0.3, 64));

    assertThat(r).isEqualTo(new BrainReply("Paris is the capital.", "llama3", 26, 7, "stop"));
    JsonNode sent = server.last(CHAT).json();
    assertThat(server.last(CHAT).method()).isEqualTo("POST");
    assertThat(sent.path("model").asText()).isEqualTo("llama3");
    assertThat(sent.path("stream").asBoolean(true)).isFalse();
    assertThat(sent.path("messages").get(0).path("role").asText()).isEqualTo("system");
    assertThat(sent.path("messages").get(0).path("content").asText()).isEqualTo("be brief");
    assertThat(sent.path("messages").get(1).path("role").asText()).isEqualTo("user");
    assertThat(sent.path("messages").get(1).path("content").asText()).isEqualTo("capital of France?");
    assertThat(sent.path("options").path("temperature").asDouble()).isEqualTo(0.3);
    assertThat(sent.path("options").path("num_predict").asInt()).isEqualTo(64);
  }

  @Test
  void streamHandsOverEachDeltaAsItArrives() {
    CountDownLatch clientSawFirst = new CountDownLatch(1);
    AtomicBoolean restWaitedForClient = new AtomicBoolean();
    server.on(CHAT, (ex, n) -> {
      OutputStream os = FakeServer.startStream(ex, "application/x-ndjson");
      FakeServer.chunk(os, line("Hel", false));
      // the rest is only written once the client has seen the first piece: proof it is not buffered
      restWaitedForClient.set(clientSawFirst.await(10, TimeUnit.SECONDS));
      FakeServer.chunk(os, line("lo", false));
      FakeServer.chunk(os, line(" world", false));
      FakeServer.chunk(os, line("", true));
      os.close();
    });
    List<String> tokens = new CopyOnWriteArrayList<>();

    BrainReply r = brain(5000, 0).stream(new BrainRequest("", "greet", 0, 16), t -> {
      tokens.add(t);
      clientSawFirst.countDown();
    });

    assertThat(tokens).containsExactly("Hel", "lo", " world");
    assertThat(restWaitedForClient).isTrue();
    assertThat(r).isEqualTo(new BrainReply("Hello world", "llama3", 12, 3, "stop"));
    assertThat(server.last(CHAT).json().path("stream").asBoolean(false)).isTrue();
    assertThat(server.last(CHAT).json().path("messages")).hasSize(1);
  }

  @Test
  void unknownModelIsNotFoundAndSaysToPullIt() {
    server.on(CHAT, (ex, n) -> FakeServer.json(ex, 404, "{\"error\":\"model 'llama3' not found, try pulling it first\"}"));

    BrainException e = failure(() -> brain(5000, 2).complete(BrainRequest.of("hi")));

    assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(e.url()).isEqualTo(server.base() + CHAT);
    assertThat(e.getMessage()).contains(server.base() + CHAT, "HTTP 404", "model 'llama3' not found", "ollama pull llama3");
    assertThat(server.hits(CHAT)).as("a 404 is not retried").isEqualTo(1);
  }

  @Test
  void aStreamEndingWithoutDoneIsTruncated() {
    server.on(CHAT, (ex, n) -> {
      OutputStream os = FakeServer.startStream(ex, "application/x-ndjson");
      FakeServer.chunk(os, line("Hel", false));
      FakeServer.chunk(os, line("lo", false));
      os.close();
    });
    List<String> tokens = new CopyOnWriteArrayList<>();

    BrainException e = failure(
        () -> brain(5000, 2).stream(BrainRequest.of("hi"), tokens::add));

    assertThat(e.kind()).isEqualTo(Kind.MALFORMED);
    assertThat(e.getMessage()).contains(server.base() + CHAT, "\"done\": true", "truncated");
    assertThat(tokens).containsExactly("Hel", "lo");
  }

  @Test
  void aNonJsonBodyIsMalformed() {
    server.on(CHAT, (ex, n) -> FakeServer.reply(ex, 200, "text/html", "<html><body>It works!</body></html>"));

    BrainException e = failure(() -> brain(5000, 2).complete(BrainRequest.of("hi")));

    assertThat(e.kind()).isEqualTo(Kind.MALFORMED);
    assertThat(e.getMessage()).contains(server.base() + CHAT, "<html><body>It works!", "Is base_url an Ollama server");
    assertThat(server.hits(CHAT)).isEqualTo(1);
  }

  @Test
  void jsonWithoutMessageContentIsMalformed() {
    server.on(CHAT, (ex, n) -> FakeServer.json(ex, 200, "{\"choices\":[{\"message\":{\"content\":\"hi\"}}]}"));

    BrainException e = failure(() -> brain(5000, 0).complete(BrainRequest.of("hi")));

    assertThat(e.kind()).isEqualTo(Kind.MALFORMED);
    assertThat(e.getMessage()).contains("message.content");
  }

  @Test
  void aGarbageStreamLineIsMalformed() {
    server.on(CHAT, (ex, n) -> {
      OutputStream os = FakeServer.startStream(ex, "application/x-ndjson");
      FakeServer.chunk(os, line("ok", false));
      FakeServer.chunk(os, "this is not json\n");
      os.close();
    });

    BrainException e = failure(() -> brain(5000, 0).stream(BrainRequest.of("hi"), t -> {}));

    assertThat(e.kind()).isEqualTo(Kind.MALFORMED);
    assertThat(e.getMessage()).contains("not JSON", "this is not json");
  }

  @Test
  void anErrorLineMidStreamIsAServerFailure() {
    server.on(CHAT, (ex, n) -> {
      OutputStream os = FakeServer.startStream(ex, "application/x-ndjson");
      FakeServer.chunk(os, line("The", false));
      FakeServer.chunk(os, "{\"error\":\"llama runner process has terminated\"}\n");
      os.close();
    });

    BrainException e = failure(() -> brain(5000, 0).stream(BrainRequest.of("hi"), t -> {}));

    assertThat(e.kind()).isEqualTo(Kind.SERVER);
    assertThat(e.getMessage()).contains("llama runner process has terminated", server.base() + CHAT);
  }

  @Test
  void aServerThatNeverAnswersTimesOut() {
    server.on(CHAT, (ex, n) -> server.stall());
    long t0 = System.nanoTime();

    BrainException e = failure(() -> brain(300, 0).complete(BrainRequest.of("hi")));

    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(e.getMessage()).contains(server.base() + CHAT, "300 ms", "timeout_ms");
    // only the lower bound is the brain's doing; the upper one says "gave up, did not hang" and is
    // loose because a loaded machine can stall any thread for seconds
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(250L, 60_000L);
  }

  @Test
  void aStreamThatStallsTimesOut() {
    server.on(CHAT, (ex, n) -> {
      OutputStream os = FakeServer.startStream(ex, "application/x-ndjson");
      FakeServer.chunk(os, line("slow", false));
      server.stall();
    });
    List<String> tokens = new CopyOnWriteArrayList<>();

    BrainException e = failure(() -> brain(400, 0).stream(BrainRequest.of("hi"), tokens::add));

    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(e.getMessage()).contains("stalled", "400 ms");
    assertThat(tokens).containsExactly("slow");
  }
}
