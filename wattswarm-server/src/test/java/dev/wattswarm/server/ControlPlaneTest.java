package dev.wattswarm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventTypes;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.Timeout(300)
class ControlPlaneTest {
  @TempDir Path tmp;
  NodeHost host;
  StateDir dir;
  String token;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() throws Exception {
    dir = new StateDir(tmp.resolve("n"));
    host = NodeHost.start(NodeConfig.local(dir.root()), dir, Clock.systemUTC(), new SecureRandom());
    token = dir.readToken();
  }

  @AfterEach
  void stop() {
    if (host != null) host.close();
  }

  HttpResponse<String> get(String path, String auth) throws Exception {
    var b = HttpRequest.newBuilder(URI.create(host.controlUrl() + path)).timeout(Duration.ofSeconds(10));
    if (auth != null) b.header("Authorization", auth);
    return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String body) throws Exception {
    var b = HttpRequest.newBuilder(URI.create(host.controlUrl() + path)).header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) {
    return CanonicalJson.parse(r.body());
  }

  @Test
  void runtimeJsonDescribesTheReadyNodeAndGoesAwayOnClose() {
    var rt = dir.runtime().orElseThrow();
    assertThat(rt.nodeId()).isEqualTo(host.node().nodeId().toString());
    assertThat(rt.networkId()).isEqualTo("local:" + rt.nodeId());
    assertThat(rt.controlUrl()).isEqualTo(host.controlUrl()).startsWith("http://127.0.0.1:");
    host.close();
    host = null;
    assertThat(dir.runtime()).isEmpty();
  }

  @Test
  void healthzNeedsNoTokenAndLeaksNothing() throws Exception {
    var r = get("/healthz", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).doesNotContain(host.node().nodeId().toString());
  }

  @Test
  void theApiRefusesMissingWrongAndMalformedTokensWithJson() throws Exception {
    for (String auth : new String[] {null, "Bearer wrong", "Bearer ", "Basic " + token, token, "Bearer " + token + "x",
        "Bearer " + token.substring(1)}) {
      var r = get("/v1/node", auth);
      assertThat(r.statusCode()).as("auth %s", auth).isEqualTo(401);
      assertThat(json(r).path("error").path("code").asText()).isEqualTo("unauthorized");
      assertThat(r.body()).doesNotContain(host.node().nodeId().toString());
    }
    var ok = get("/v1/node", "Bearer " + token);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(json(ok).path("node_id").asText()).isEqualTo(host.node().nodeId().toString());
    assertThat(json(ok).path("mode").asText()).isEqualTo("local");
  }

  /** A forged signature and an event stamped an hour ahead are refused, and both show in the counters. */
  @Test
  void refusedEventsShowInTheDefenseCounters() throws Exception {
    var stranger = dev.wattswarm.kernel.identity.KeyPair.generate(new SecureRandom());
    Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
    var future = new dev.wattswarm.kernel.event.EventSigner(stranger, host.node().networkId(), ahead)
        .sign(Scope.GLOBAL, EventKind.EVENTS, EventTypes.NODE_STARTED, "", CanonicalJson.object().put("x", 1));
    var honest = new dev.wattswarm.kernel.event.EventSigner(stranger, host.node().networkId(), Clock.systemUTC())
        .sign(Scope.parse("region:x"), EventKind.EVENTS, EventTypes.NODE_STARTED, "", CanonicalJson.object().put("x", 2));
    byte[] bytes = honest.encoded().clone();
    bytes[bytes.length - 1] ^= 1; // the signature is last
    var forged = dev.wattswarm.kernel.codec.EventCodec.decode(bytes);
    for (var e : new dev.wattswarm.kernel.event.Event[] {future, forged}) {
      assertThatThrownBy(() -> host.node().log().ingest(e)).isInstanceOf(dev.wattswarm.kernel.event.EventRejectedException.class);
    }
    long before = host.node().store().count();
    JsonNode d = json(get("/v1/node", "Bearer " + token)).path("defense");
    assertThat(d.path("rejected_events").path("from_future").asLong()).isEqualTo(1);
    assertThat(d.path("rejected_events").path("bad_signature").asLong()).isEqualTo(1);
    assertThat(d.has("agents")).isTrue();
    assertThat(host.node().store().count()).isEqualTo(before);
  }

  @Test
  void eventsArePagedByCursor() throws Exception {
    for (int i = 0; i < 5; i++) {
      host.node().log().publish(Scope.GLOBAL, EventKind.EVENTS, EventTypes.NODE_STARTED, "", CanonicalJson.object().put("i", i));
    }
    long total = host.node().store().count();
    long cursor = 0;
    int seen = 0;
    for (int guard = 0; guard < 20; guard++) {
      JsonNode page = json(get("/v1/events?limit=2&cursor=" + cursor, "Bearer " + token));
      seen += page.path("events").size();
      long next = page.path("next_cursor").asLong();
      if (!page.path("has_more").asBoolean()) break;
      assertThat(next).isGreaterThan(cursor);
      cursor = next;
    }
    assertThat(seen).isEqualTo(total);
    JsonNode first = json(get("/v1/events?limit=1", "Bearer " + token)).path("events").get(0);
    var one = get("/v1/events/" + first.path("id").asText(), "Bearer " + token);
    assertThat(json(one).path("id").asText()).isEqualTo(first.path("id").asText());
  }

  @Test
  void malformedInputIs400NamingTheFieldAndUnknownIdsAre404() throws Exception {
    var r = get("/v1/events?limit=abc", "Bearer " + token);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).path("error").path("field").asText()).isEqualTo("limit");
    assertThat(get("/v1/events?limit=0", "Bearer " + token).statusCode()).isEqualTo(400);
    assertThat(json(get("/v1/events?cursor=-4", "Bearer " + token)).path("error").path("field").asText()).isEqualTo("cursor");
    assertThat(json(get("/v1/events?scope=planet:x", "Bearer " + token)).path("error").path("field").asText()).isEqualTo("scope");
    var badId = get("/v1/events/nothex", "Bearer " + token);
    assertThat(badId.statusCode()).isEqualTo(400);
    assertThat(json(badId).path("error").path("field").asText()).isEqualTo("id");
    assertThat(get("/v1/events/" + "ab".repeat(32), "Bearer " + token).statusCode()).isEqualTo(404);
    assertThat(get("/v1/nothing", "Bearer " + token).statusCode()).isEqualTo(404);
    assertThat(post("/v1/node", "{}").statusCode()).isEqualTo(405);
  }

  @Test
  void logEndpointsVerifyAndReplay() throws Exception {
    JsonNode v = json(post("/v1/log/verify", ""));
    assertThat(v.path("ok").asBoolean()).isTrue();
    assertThat(v.path("checked").asLong()).isEqualTo(host.node().store().count());
    assertThat(json(post("/v1/log/replay", "")).path("identical").asBoolean()).isTrue();
  }

  @Test
  void theStreamDeliversEventsCommittedAfterItOpened() throws Exception {
    long head = host.node().store().headPosition();
    var req = HttpRequest.newBuilder(URI.create(host.controlUrl() + "/v1/events/stream?after=" + head))
        .header("Authorization", "Bearer " + token).build();
    HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("Content-Type")).contains("text/event-stream");
    CompletableFuture<String> firstData = CompletableFuture.supplyAsync(() -> {
      try (var r = new BufferedReader(new InputStreamReader(resp.body()))) {
        for (String line; (line = r.readLine()) != null; ) if (line.startsWith("data: ")) return line.substring(6);
        return null;
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    var e = host.node().log().publish(Scope.GLOBAL, EventKind.EVENTS, EventTypes.NODE_STARTED, "", CanonicalJson.object().put("live", true));
    String data = firstData.get(10, TimeUnit.SECONDS);
    assertThat(CanonicalJson.parse(data).path("id").asText()).isEqualTo(e.id().hex());
  }

  @Test
  void aTakenPortIsReportedClearly() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      StateDir other = new StateDir(tmp.resolve("other"));
      NodeConfig cfg = NodeConfig.local(other.root()).withControlPort(taken.getLocalPort());
      assertThatThrownBy(() -> NodeHost.start(cfg, other, Clock.systemUTC(), new SecureRandom()))
          .isInstanceOf(PortInUseException.class)
          .hasMessageContaining(String.valueOf(taken.getLocalPort()))
          .hasMessageContaining("--control-port");
      assertThat(other.runtime()).isEmpty();
      // the failed start released the lock
      other.ensureWritable().lock().close();
    }
  }
}
