package dev.wattswarm.server.publicapi;

import dev.wattswarm.testkit.StepClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.config.Mode;
import dev.wattswarm.server.ApiException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The public listener over real sockets: routing by mounts, errors as JSON, limits, WebSocket and SSE. */
class PublicListenerTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final StepClock clock = new StepClock(1_000_000);
  private PublicListener listener;

  @AfterEach
  void stop() {
    if (listener != null) listener.close();
  }

  private static final PublicListener.Mount ECHO = r -> {
    r.get("/hello", ctx -> ctx.result("hi"));
    r.post("/echo", ctx -> ctx.contentType("application/json").result(ctx.bodyAsBytes()));
    r.get("/refuse", ctx -> {
      throw ApiException.badRequest("x", "x must be set");
    });
    r.get("/arg", ctx -> {
      throw new IllegalArgumentException("lat must be a number");
    });
    r.get("/boom", ctx -> {
      throw new IllegalStateException("secret internals");
    });
    r.ws("/ws", ws -> ws.onMessage(m -> m.send("echo:" + m.message())));
    r.sse("/sse", client -> {
      client.sendEvent("tick", "1");
      client.close();
    });
  };

  private PublicConfig cfg() {
    return PublicConfig.embedded(Mode.NETWORK).withRate(1000, 1000);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(listener.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode error(HttpResponse<String> r) {
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    JsonNode e = CanonicalJson.parse(r.body()).path("error");
    assertThat(e.path("code").asText()).isNotEmpty();
    assertThat(e.path("message").asText()).isNotEmpty().doesNotContain("\n").doesNotContain("Exception");
    return e;
  }

  @Test
  void servesMountedRoutesOnLoopbackAndAFreePort() throws Exception {
    listener = PublicListener.start(cfg(), clock, List.of(ECHO));
    assertThat(listener.url()).startsWith("http://127.0.0.1:").doesNotEndWith(":0");
    assertThat(get("/hello").body()).isEqualTo("hi");
    var r = http.send(HttpRequest.newBuilder(URI.create(listener.url() + "/echo")).POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("{\"a\":1}");
  }

  @Test
  void everyErrorIsJsonWithAReason() throws Exception {
    listener = PublicListener.start(cfg(), clock, List.of(ECHO));
    var nf = get("/nope");
    assertThat(nf.statusCode()).isEqualTo(404);
    assertThat(error(nf).path("code").asText()).isEqualTo("not_found");
    var wrongMethod = http.send(HttpRequest.newBuilder(URI.create(listener.url() + "/hello")).DELETE().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    error(wrongMethod);
    var refused = get("/refuse");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(error(refused).path("message").asText()).isEqualTo("x must be set");
    var arg = get("/arg");
    assertThat(arg.statusCode()).isEqualTo(400);
    assertThat(error(arg).path("message").asText()).contains("lat");
    var boom = get("/boom");
    assertThat(boom.statusCode()).isEqualTo(500);
    assertThat(error(boom).path("message").asText()).doesNotContain("secret");
  }

  @Test
  void bodiesOverTheCapAreRefusedDeclaredOrChunked() throws Exception {
    listener = PublicListener.start(cfg(), clock, List.of(ECHO));
    byte[] big = new byte[cfg().maxBodyBytes() + 1];
    java.util.Arrays.fill(big, (byte) 'a');
    var declared = http.send(HttpRequest.newBuilder(URI.create(listener.url() + "/echo")).POST(HttpRequest.BodyPublishers.ofByteArray(big))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(declared.statusCode()).isEqualTo(413);
    assertThat(error(declared).path("code").asText()).isEqualTo("too_large");
    // no Content-Length: the cap applies as the body is read
    var chunked = http.send(HttpRequest.newBuilder(URI.create(listener.url() + "/echo"))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(chunked.statusCode()).isEqualTo(413);
    error(chunked);
  }

  @Test
  void aClientOverItsRateGets429UntilTimePasses() throws Exception {
    listener = PublicListener.start(PublicConfig.embedded(Mode.NETWORK).withRate(1, 3), clock, List.of(ECHO));
    for (int i = 0; i < 3; i++) assertThat(get("/hello").statusCode()).isEqualTo(200);
    var limited = get("/hello");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(error(limited).path("code").asText()).isEqualTo("rate_limited");
    assertThat(limited.headers().firstValue("Retry-After")).contains("1");
    // unknown paths and WebSocket upgrades spend the same tokens
    assertThat(get("/nope").statusCode()).isEqualTo(429);
    clock.advance(1_000);
    assertThat(get("/hello").statusCode()).isEqualTo(200);
    assertThat(get("/hello").statusCode()).isEqualTo(429);
    assertThat(listener.limiter().refused()).isEqualTo(3);
  }

  @Test
  void webSocketAndServerSentEventsWork() throws Exception {
    listener = PublicListener.start(cfg(), clock, List.of(ECHO));
    CompletableFuture<String> got = new CompletableFuture<>();
    WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(listener.url().replace("http", "ws") + "/ws"), new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
        got.complete(data.toString());
        return null;
      }
    }).get(10, TimeUnit.SECONDS);
    ws.sendText("ping", true);
    assertThat(got.get(10, TimeUnit.SECONDS)).isEqualTo("echo:ping");
    ws.abort();
    var sse = http.send(HttpRequest.newBuilder(URI.create(listener.url() + "/sse")).header("Accept", "text/event-stream").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(sse.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    assertThat(sse.body()).contains("event: tick").contains("data: 1");
  }

  @Test
  void garbageOnTheSocketGetsA4xxNotAHang() throws Exception {
    listener = PublicListener.start(cfg(), clock, List.of(ECHO));
    try (Socket s = new Socket("127.0.0.1", listener.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write("NOT HTTP AT ALL\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String first = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(first).startsWith("HTTP/1.1 4");
    }
  }

  @Test
  void anExplicitPortInUseIsAnErrorTheDefaultOneFallsBackToAFreePort() throws Exception {
    listener = PublicListener.start(cfg(), clock, List.of(ECHO));
    var taken = PublicConfig.fromEnv(Mode.NETWORK, Map.of("WATTSWARM_PUBLIC_HTTP_ADDR", "127.0.0.1:" + listener.port()));
    assertThatThrownBy(() -> PublicListener.start(taken, clock, List.of(ECHO)))
        .isInstanceOf(PublicPortInUseException.class).hasMessageContaining("WATTSWARM_PUBLIC_HTTP_ADDR");
    var dflt = new PublicConfig(true, "127.0.0.1", listener.port(), false, 10, 10, 10, 1024, 16, 30_000, List.of(),
        java.util.Optional.empty());
    try (PublicListener second = PublicListener.start(dflt, clock, List.of(ECHO))) {
      assertThat(second.port()).isNotEqualTo(listener.port());
    }
  }

  @Test
  void configFromTheEnvironment() {
    var off = PublicConfig.fromEnv(Mode.LOCAL, Map.of());
    assertThat(off.enabled()).isFalse();
    var dflt = PublicConfig.fromEnv(Mode.NETWORK, Map.of());
    assertThat(dflt.enabled()).isTrue();
    assertThat(dflt.host()).isEqualTo("0.0.0.0");
    assertThat(dflt.port()).isEqualTo(7788);
    var set = PublicConfig.fromEnv(Mode.WAN, Map.of("WATTSWARM_PUBLIC_HTTP_ADDR", "127.0.0.1:0",
        "WATTSWARM_PUBLIC_DISCOVERY_URLS", "http://a:1/api/network/discovery, https://b/api/network/discovery",
        "WATTSWARM_NODE_LOCATION", "48.85,2.35"));
    assertThat(set.port()).isZero();
    assertThat(set.discoveryUrls()).hasSize(2);
    assertThat(set.location().orElseThrow().lat()).isEqualTo(48.85);
    assertThat(PublicConfig.fromEnv(Mode.LOCAL, Map.of("WATTSWARM_PUBLIC_HTTP_ADDR", "127.0.0.1:0")).enabled()).isTrue();
    assertThat(PublicConfig.fromEnv(Mode.NETWORK, Map.of("WATTSWARM_PUBLIC_HTTP_ADDR", "off")).enabled()).isFalse();
    for (var bad : List.of(Map.of("WATTSWARM_PUBLIC_HTTP_ADDR", "nohost"), Map.of("WATTSWARM_PUBLIC_HTTP_ADDR", "h:99999"),
        Map.of("WATTSWARM_PUBLIC_HTTP_ADDR", "h:x"), Map.of("WATTSWARM_PUBLIC_DISCOVERY_URLS", "ftp://x"),
        Map.of("WATTSWARM_NODE_LOCATION", "91,0"), Map.of("WATTSWARM_NODE_LOCATION", "paris"))) {
      assertThatThrownBy(() -> PublicConfig.fromEnv(Mode.NETWORK, bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad.keySet().iterator().next());
    }
  }
}
