package dev.wattswarm.node.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.Projections;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor contract against a real HTTP service started here, including a misbehaving one. */
@org.junit.jupiter.api.Timeout(300)
class HttpExecutorTest {
  @TempDir Path tmp;
  HttpServer server;
  URI base;
  /** What /execute answers: "ok", "garbage", "500", "stall", "no-output". */
  final AtomicReference<String> mode = new AtomicReference<>("ok");
  /** A stalled /execute answers only once the test is over, so a timeout is the only way out. */
  final CountDownLatch stalled = new CountDownLatch(1);
  Node node;

  @BeforeEach
  void serve() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/health", ex -> reply(ex, 200, "{\"status\":\"ok\"}"));
    server.createContext("/capabilities", ex -> reply(ex, 200, "{\"capabilities\":[\"summarize\",\"echo\"]}"));
    server.createContext("/execute", ex -> {
      JsonNode req = CanonicalJson.parse(ex.getRequestBody().readAllBytes());
      String prompt = req.path("task").path("prompt").asText();
      switch (mode.get()) {
        case "garbage" -> reply(ex, 200, "<html>oops");
        case "500" -> reply(ex, 500, "{\"error\":\"model overloaded\"}");
        case "no-output" -> reply(ex, 200, "{\"result\":1}");
        case "stall" -> {
          try {
            stalled.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          reply(ex, 200, "{\"output\":{\"answer\":\"late\"}}");
        }
        default -> reply(ex, 200, "{\"output\":{\"answer\":\"summary of: " + prompt + "\"}}");
      }
    });
    server.createContext("/verify", ex -> {
      JsonNode req = CanonicalJson.parse(ex.getRequestBody().readAllBytes());
      boolean good = req.path("candidate").path("answer").asText().startsWith("summary of:");
      reply(ex, 200, "{\"verdict\":\"" + (good ? "passed" : "failed") + "\",\"reason\":\"checked\"}");
    });
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    stalled.countDown();
    if (node != null) node.close();
    server.stop(0);
  }

  static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  /**
   * A patient executor: its timeout only ever cuts a stalled service short, never a working one
   * slowed down by a loaded machine (a 1 s timeout once failed the first probe here on a busy CI host).
   */
  HttpExecutor executor() {
    return executor(Duration.ofSeconds(60));
  }

  HttpExecutor executor(Duration timeout) {
    return new HttpExecutor("svc", base, Set.of(), timeout, 4);
  }

  static TaskRequest request() {
    ObjectNode inputs = CanonicalJson.object().put("prompt", "the report");
    return new TaskRequest("t", "swarm", "the report", inputs, "summarize", "fast", 1);
  }

  @Test
  void speaksTheContract() throws Exception {
    HttpExecutor ex = executor().startProbing();
    // the first probe runs in the background; how long it takes depends on the machine, not on the contract
    await().atMost(Duration.ofSeconds(60)).until(ex::healthy);
    assertThat(ex.capabilities()).containsExactlyInAnyOrder("summarize", "echo");
    assertThat(ex.healthy()).isTrue();
    assertThat(ex.execute(request()).path("answer").asText()).isEqualTo("summary of: the report");
    assertThat(ex.verify(request(), CanonicalJson.object().put("answer", "nonsense")).verdict()).isEqualTo("failed");
  }

  @Test
  void misbehaviourBecomesAClearError() {
    HttpExecutor ex = executor();
    mode.set("garbage");
    assertThatThrownBy(() -> ex.execute(request())).hasMessageContaining("not JSON");
    mode.set("500");
    assertThatThrownBy(() -> ex.execute(request())).hasMessageContaining("HTTP 500").hasMessageContaining("overloaded");
    mode.set("no-output");
    assertThatThrownBy(() -> ex.execute(request())).hasMessageContaining("\"output\"");
    mode.set("stall");
    assertThatThrownBy(() -> executor(Duration.ofMillis(300)).execute(request())).hasMessageContaining("timed out after 300 ms");
  }

  @Test
  void anUnreachableServiceIsUnhealthyThenRecoversWithoutARestart() throws Exception {
    int port = server.getAddress().getPort();
    server.stop(0);
    HttpExecutor ex = executor().startProbing();
    // down: it exists, offers nothing (so it claims nothing), and says why
    assertThat(ex.capabilities()).isEmpty();
    assertThat(ex.healthy()).isFalse();
    await().atMost(Duration.ofSeconds(60)).until(() -> ex.status().has("last_error"));
    assertThat(ex.status().path("last_error").asText()).contains("connection refused");
    assertThat(ex.status().path("healthy").asBoolean()).isFalse();
    // the service comes up on the same address: a backoff retry finds it
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/health", h -> reply(h, 200, "{}"));
    server.createContext("/capabilities", h -> reply(h, 200, "{\"capabilities\":[\"summarize\"]}"));
    server.start();
    await().atMost(Duration.ofSeconds(60)).until(ex::healthy);
    assertThat(ex.capabilities()).containsExactly("summarize");
  }

  @Test
  void staticCapabilitiesNeedNoCapabilitiesEndpoint() {
    server.removeContext("/capabilities");
    HttpExecutor ex = new HttpExecutor("svc", base, Set.of("summarize"), Duration.ofSeconds(60), 4).startProbing();
    await().atMost(Duration.ofSeconds(60)).until(ex::healthy);
    assertThat(ex.capabilities()).containsExactly("summarize");
    assertThat(ex.status().path("capabilities").get(0).asText()).isEqualTo("summarize");
  }

  @Test
  void aNodeRunsTasksThroughTheServiceFromExecutorsJson() throws Exception {
    Path dir = tmp.resolve("n");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(ExecutorsFile.FILE),
        "{\"executors\":[{\"name\":\"svc\",\"kind\":\"http\",\"base_url\":\"" + base + "\",\"timeout_ms\":60000}]}");
    List<Executor> execs = ExecutorsFile.load(dir);
    node = Node.open(NodeConfig.local(dir), new StateDir(dir), Clock.systemUTC(), new SecureRandom(), Projections.all());
    TaskRuntime rt = TaskRuntime.start(node, execs, false);
    ObjectNode t = CanonicalJson.object().put("task_id", "s1").put("capability", "summarize");
    t.putObject("inputs").put("prompt", "quarterly numbers");
    rt.service().submit(t);
    await().atMost(Duration.ofSeconds(20)).until(() -> rt.service().get("s1").orElseThrow().path("state").asText().equals("finalized"));
    assertThat(rt.service().get("s1").orElseThrow().path("output").path("answer").asText()).isEqualTo("summary of: quarterly numbers");
  }

  @Test
  void badExecutorsJsonNamesTheEntryAndField() throws Exception {
    Path dir = tmp.resolve("bad");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(ExecutorsFile.FILE), "{\"executors\":[{\"name\":\"a\"},{\"name\":\"b\",\"kind\":\"http\",\"base_url\":\"ftp://x\"}]}");
    assertThatThrownBy(() -> ExecutorsFile.load(dir)).hasMessageContaining("executors[1].base_url");
    Files.writeString(dir.resolve(ExecutorsFile.FILE), "{\"executors\": [");
    assertThatThrownBy(() -> ExecutorsFile.load(dir)).hasMessageContaining("not valid JSON");
    Files.writeString(dir.resolve(ExecutorsFile.FILE), "{\"executors\":[{\"name\":\"a\",\"rules\":[{\"match\":\"(\",\"answer\":\"x\"}]}]}");
    assertThatThrownBy(() -> ExecutorsFile.load(dir)).hasMessageContaining("rules[0].match");
  }
}
