package dev.wattswarm.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway WebSocket with java.net.http's client: keys at the upgrade, topics, current state first, bad messages. */
class GatewaySocketTest {
  @TempDir Path tmp;
  GatewayNode n;
  String key;

  @BeforeEach
  void start() throws Exception {
    n = new GatewayNode(tmp.resolve("n"), new GatewayLimits(1000, 1000, 4096, 3, 64, 10_000, 2, 5_000), Clock.systemUTC());
    key = n.newKey("ws");
  }

  @AfterEach
  void stop() {
    if (n != null) n.close();
  }

  /** Collects every text message. */
  static final class Inbox implements WebSocket.Listener {
    final List<JsonNode> messages = new CopyOnWriteArrayList<>();
    final StringBuilder partial = new StringBuilder();
    volatile int closeCode = -1;

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        messages.add(CanonicalJson.parse(partial.toString()));
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closeCode = statusCode;
      return null;
    }

    List<String> states(String topic) {
      return messages.stream().filter(m -> m.path("topic").asText().equals(topic)).map(m -> m.path("state").asText()).toList();
    }

    List<String> errors() {
      return messages.stream().filter(m -> m.path("op").asText().equals("error")).map(m -> m.path("error").path("code").asText()).toList();
    }
  }

  WebSocket open(Inbox inbox, String header, String query) {
    String url = n.listener.url().replace("http://", "ws://") + "/gateway/v1/ws" + (query == null ? "" : "?key=" + query);
    var b = n.http.newWebSocketBuilder();
    if (header != null) b.header("Authorization", "Bearer " + header);
    return b.buildAsync(URI.create(url), inbox).join();
  }

  static void send(WebSocket ws, String text) {
    ws.sendText(text, true).join();
  }

  @Test
  void pushesATasksStatesCurrentFirstUntilItIsFinalized() throws Exception {
    Inbox in = new Inbox();
    WebSocket ws = open(in, key, null);
    send(ws, "{\"op\":\"subscribe\",\"topic\":\"task:ws-1\"}");
    await().atMost(Duration.ofSeconds(10)).until(() -> in.states("task:ws-1").contains("unknown"));
    assertThat(n.post("/gateway/v1/tasks", key, GatewayApiTest.TASK.formatted("ws-1")).statusCode()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(60)).until(() -> in.states("task:ws-1").contains("finalized"));
    List<String> states = in.states("task:ws-1");
    assertThat(states.get(0)).isEqualTo("unknown");
    for (int i = 1; i < states.size(); i++) {
      JsonNode prev = in.messages.stream().filter(m -> m.path("topic").asText().equals("task:ws-1")).toList().get(i - 1);
      JsonNode cur = in.messages.stream().filter(m -> m.path("topic").asText().equals("task:ws-1")).toList().get(i);
      assertThat(cur).as("no message repeats the previous one").isNotEqualTo(prev);
    }
    JsonNode last = in.messages.stream().filter(m -> m.path("state").asText().equals("finalized")).findFirst().orElseThrow();
    assertThat(last.path("task").path("output").isMissingNode()).isFalse();
    // a second subscriber to an ended task gets its current state first, at once
    Inbox late = new Inbox();
    send(open(late, null, key), "{\"op\":\"subscribe\",\"topic\":\"task:ws-1\"}");
    await().atMost(Duration.ofSeconds(10)).until(() -> late.states("task:ws-1").equals(List.of("finalized")));
  }

  @Test
  void theFeedCarriesEveryTask() throws Exception {
    Inbox in = new Inbox();
    WebSocket ws = open(in, key, null);
    send(ws, "{\"op\":\"subscribe\",\"topic\":\"feed:tasks\"}");
    await().atMost(Duration.ofSeconds(10)).until(() -> in.states("feed:tasks").contains("subscribed"));
    n.post("/gateway/v1/tasks", key, GatewayApiTest.TASK.formatted("feed-1"));
    await().atMost(Duration.ofSeconds(60)).until(() -> in.messages.stream()
        .anyMatch(m -> m.path("task_id").asText().equals("feed-1") && m.path("state").asText().equals("finalized")));
  }

  @Test
  void theUpgradeWantsAValidKey() {
    for (String bad : new String[] {null, "wrong", key + "x"}) {
      assertThatThrownBy(() -> open(new Inbox(), bad, null)).isInstanceOf(CompletionException.class)
          .cause().isInstanceOf(WebSocketHandshakeException.class)
          .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(401));
    }
    assertThatThrownBy(() -> open(new Inbox(), null, "wrong")).cause().isInstanceOf(WebSocketHandshakeException.class);
  }

  @Test
  void aKeyHoldsABoundedNumberOfSockets() {
    open(new Inbox(), key, null);
    WebSocket second = open(new Inbox(), key, null);
    assertThatThrownBy(() -> open(new Inbox(), key, null)).cause().isInstanceOf(WebSocketHandshakeException.class)
        .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(429));
    second.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> open(new Inbox(), key, null));
  }

  @Test
  void socketsOpenedAllAtOnceStillGetNoMoreThanTheKeysLimit() {
    String url = n.listener.url().replace("http://", "ws://") + "/gateway/v1/ws";
    java.util.List<java.util.concurrent.CompletableFuture<WebSocket>> opening = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      opening.add(n.http.newWebSocketBuilder().header("Authorization", "Bearer " + key).buildAsync(URI.create(url), new Inbox()));
    }
    long opened = opening.stream().filter(f -> {
      try {
        f.join();
        return true;
      } catch (java.util.concurrent.CompletionException e) {
        assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode()).isEqualTo(429);
        return false;
      }
    }).count();
    assertThat(opened).as("sockets one key holds").isEqualTo(2);
  }

  @Test
  void badMessagesGetAnErrorAndTheConnectionStaysUsable() {
    Inbox in = new Inbox();
    WebSocket ws = open(in, key, null);
    send(ws, "not json");
    send(ws, "{\"op\":\"dance\",\"topic\":\"task:a\"}");
    send(ws, "{\"op\":\"subscribe\",\"topic\":\"planet:a\"}");
    send(ws, "{\"op\":\"subscribe\",\"topic\":\"task:bad id!\"}");
    send(ws, "{\"op\":\"subscribe\",\"topic\":\"feed:everything\"}");
    send(ws, "{\"op\":\"subscribe\"}");
    send(ws, "{\"op\":\"subscribe\",\"topic\":\"mission:m1\"}");
    for (int i = 0; i < 4; i++) send(ws, "{\"op\":\"subscribe\",\"topic\":\"task:t" + i + "\"}");
    await().atMost(Duration.ofSeconds(10)).until(() -> in.errors().size() == 8);
    assertThat(in.errors()).containsExactly("malformed", "bad_op", "bad_topic", "bad_topic", "bad_topic", "bad_topic",
        "not_implemented", "too_many_subscriptions");
    await().atMost(Duration.ofSeconds(10)).until(() -> in.states("task:t2").contains("unknown"));
    assertThat(in.states("task:t3")).isEmpty();
    send(ws, "{\"op\":\"unsubscribe\",\"topic\":\"task:t0\"}");
    send(ws, "{\"op\":\"subscribe\",\"topic\":\"task:t3\"}");
    await().atMost(Duration.ofSeconds(10)).until(() -> in.states("task:t3").contains("unknown"));
  }

  @Test
  void anOversizedMessageClosesTheSocket() {
    Inbox in = new Inbox();
    WebSocket ws = open(in, key, null);
    ws.sendText("{\"op\":\"subscribe\",\"topic\":\"" + "x".repeat(10_000) + "\"}", true);
    await().atMost(Duration.ofSeconds(10)).until(() -> in.closeCode == 1009);
  }
}
