package dev.wattswarm.node.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * An executor that is a web service speaking WattSwarm's executor contract:
 * <pre>
 *   GET  /health        2xx when ready
 *   GET  /capabilities  {"capabilities": ["summarize", ...]}
 *   POST /execute       {"task": {...}}                    -> {"output": {...}}
 *   POST /verify        {"task": {...}, "candidate": {...}} -> {"verdict": "passed|failed|inconclusive", "reason": "..."}
 * </pre>
 * Anything else (a refused connection, a timeout, a non-2xx status, a body that is not that JSON)
 * is an execution error with the service's URL and what was wrong.
 */
public final class HttpExecutor implements Executor {
  private static final int MAX_BODY = 1 << 20;

  private final String name;
  private final URI base;
  private final Duration timeout;
  private final int maxConcurrent;
  private final HttpClient http;
  private final Set<String> configured;
  private final Probe probe;
  private volatile Set<String> fetched = Set.of();

  /**
   * Never calls the service: a service that is down must not stop the node. The first use probes
   * it in the background ({@code GET /health}, and {@code GET /capabilities} when none are
   * configured); until a probe succeeds the executor offers no capabilities, so it claims nothing.
   *
   * @param capabilities as configured, or empty to ask the service
   */
  public HttpExecutor(String name, URI base, Set<String> capabilities, Duration timeout, int maxConcurrent) {
    this.name = name;
    this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
    this.timeout = timeout;
    this.maxConcurrent = maxConcurrent;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
    this.configured = Set.copyOf(capabilities);
    this.probe = new Probe("executor " + name + " (" + this.base + ")", this::check, java.time.Clock.systemUTC());
  }

  /** Starts the first health check in the background; a node starts whether or not the service answers. */
  public HttpExecutor startProbing() {
    Thread.ofVirtual().start(probe::dueCheck);
    return this;
  }

  /** One health check: the service answers, and says what it can do when the file did not. */
  private void check() throws Exception {
    call("GET", "health", null);
    if (configured.isEmpty()) {
      JsonNode caps = call("GET", "capabilities", null).get("capabilities");
      if (caps == null || !caps.isArray()) throw new IOException("GET " + base.resolve("capabilities") + " answered without a \"capabilities\" array");
      Set<String> out = new LinkedHashSet<>();
      for (JsonNode c : caps) out.add(c.asText());
      fetched = Set.copyOf(out);
    }
  }

  @Override
  public String name() {
    return name;
  }

  /** What it can do while healthy; nothing while its service is down (probing starts on first use). */
  @Override
  public Set<String> capabilities() {
    probe.dueCheck();
    if (!probe.healthy()) return Set.of();
    return configured.isEmpty() ? fetched : configured;
  }

  @Override
  public int maxConcurrent() {
    return maxConcurrent;
  }

  /** True when the last probe succeeded. */
  public boolean healthy() {
    probe.dueCheck();
    return probe.healthy();
  }

  @Override
  public ObjectNode status() {
    probe.dueCheck();
    ObjectNode o = probe.toJson().put("kind", "http").put("base_url", base.toString());
    var caps = o.putArray("capabilities");
    (configured.isEmpty() ? fetched : configured).stream().sorted().forEach(caps::add);
    return o;
  }

  @Override
  public JsonNode execute(TaskRequest task) throws Exception {
    ObjectNode body = CanonicalJson.object();
    body.set("task", task.toJson());
    JsonNode out = call("POST", "execute", body).get("output");
    if (out == null || !out.isObject()) {
      throw new IOException(base.resolve("execute") + " answered without an \"output\" object");
    }
    return out;
  }

  @Override
  public Verdict verify(TaskRequest task, JsonNode candidate) throws Exception {
    ObjectNode body = CanonicalJson.object();
    body.set("task", task.toJson());
    body.set("candidate", candidate);
    JsonNode r = call("POST", "verify", body);
    String v = r.path("verdict").asText("");
    if (!Set.of("passed", "failed", "inconclusive").contains(v)) {
      throw new IOException(base.resolve("verify") + " answered verdict '" + v + "'; expected passed, failed or inconclusive");
    }
    return new Verdict(v, r.path("reason").asText(""));
  }

  private JsonNode call(String method, String path, JsonNode body) throws IOException, InterruptedException {
    URI uri = base.resolve(path);
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
    if (body == null) b.GET();
    else b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(CanonicalJson.encode(body)));
    HttpResponse<byte[]> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (java.net.http.HttpTimeoutException e) {
      throw new IOException(method + " " + uri + " timed out after " + timeout.toMillis() + " ms");
    } catch (java.net.ConnectException e) {
      if (!path.equals("health")) probe.failed(method + " " + uri + ": connection refused");
      throw new IOException(method + " " + uri + ": connection refused");
    }
    if (r.statusCode() / 100 != 2) {
      String text = new String(r.body(), 0, Math.min(r.body().length, 300), java.nio.charset.StandardCharsets.UTF_8);
      throw new IOException(method + " " + uri + " answered HTTP " + r.statusCode() + ": " + text);
    }
    if (path.equals("health")) return CanonicalJson.object();
    if (r.body().length > MAX_BODY) throw new IOException(uri + " answered " + r.body().length + " bytes; the cap is " + MAX_BODY);
    try {
      JsonNode j = CanonicalJson.parse(r.body());
      if (!j.isObject()) throw new IllegalArgumentException("not a JSON object");
      return j;
    } catch (IllegalArgumentException e) {
      throw new IOException(uri + " answered something that is not JSON: " + e.getMessage());
    }
  }
}
