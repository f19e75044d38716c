package dev.wattswarm.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane: HTTP on loopback, everything under {@code /v1/} behind a bearer token.
 *
 * <p>Threads: the JDK server's acceptor thread plus one virtual thread per exchange, so a
 * long-lived SSE stream costs no platform thread.
 */
public final class ControlServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final byte[] token;
  private final Router router;
  private final SseHub sse;
  private final java.util.List<Authenticator> authenticators;

  public ControlServer(String host, int port, String token, Router router, SseHub sse) throws IOException {
    this(host, port, token, router, sse, java.util.List.of());
  }

  /**
   * @throws PortInUseException when the port is taken, so the CLI can say which and what to do
   */
  public ControlServer(String host, int port, String token, Router router, SseHub sse,
      java.util.List<Authenticator> authenticators) throws IOException {
    this.authenticators = java.util.List.copyOf(authenticators);
    this.token = token.getBytes(StandardCharsets.US_ASCII);
    this.router = router;
    this.sse = sse;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 128);
    } catch (BindException e) {
      throw new PortInUseException(host, port);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The routes this control plane serves, as "METHOD /template". */
  public java.util.List<String> routes() {
    return router.describe();
  }

  public String url() {
    InetSocketAddress a = server.getAddress();
    return "http://" + a.getHostString() + ":" + a.getPort();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Told of every exchange when it ends (metrics); the route is the matched template or "unmatched". */
  @FunctionalInterface
  public interface ExchangeObserver {
    void completed(String method, String route, int status, long nanos);
  }

  private volatile ExchangeObserver observer = (m, r, s, n) -> {};

  public void observe(ExchangeObserver o) {
    this.observer = o;
  }

  private void handle(HttpExchange ex) {
    long start = System.nanoTime();
    String[] route = {"unmatched"};
    // not try-with-resources: that would close the exchange before the catch blocks answer
    try {
      String path = ex.getRequestURI().getPath();
      if (path.equals("/healthz")) {
        route[0] = "/healthz";
        respond(ex, 200, CanonicalJson.object().put("status", "ok"));
        return;
      }
      boolean isApi = path.startsWith("/v1/") || path.equals("/v1") || path.equals("/mcp");
      if (isApi) authorize(ex);
      boolean[] wrongMethod = new boolean[1];
      var match = router.match(ex.getRequestMethod(), path, wrongMethod);
      if (match.isEmpty()) {
        if (wrongMethod[0]) throw new ApiException(405, "method_not_allowed", ex.getRequestMethod() + " is not allowed on " + path, null);
        throw ApiException.notFound("no such endpoint: " + path + " (see docs/openapi.yaml)");
      }
      route[0] = match.get().template();
      Object body = match.get().handler().handle(new Request(ex, match.get().params()));
      if (body instanceof Router.Status st) respond(ex, st.code(), st.body());
      else if (body != null) respond(ex, match.get().status(), body);
    } catch (ApiException e) {
      respondError(ex, e.status(), e.code(), e.getMessage(), e.field(), e.details());
    } catch (IllegalArgumentException e) {
      respondError(ex, 400, "bad_request", e.getMessage(), null);
    } catch (IOException e) {
      log.debug("client went away: {}", e.getMessage());
    } catch (Exception e) {
      log.warn("control plane handler failed", e);
      respondError(ex, 500, "internal", "internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage(), null);
    } finally {
      CREDENTIAL.remove();
      ex.close();
      observer.completed(ex.getRequestMethod(), route[0], ex.getResponseCode(), System.nanoTime() - start);
    }
  }

  /**
   * Whether the credential that opened the request on this thread still holds (a session can be
   * logged out while its event stream is open); true for the bearer token. Each exchange runs on
   * its own thread, so a thread-local is exactly the request's scope.
   */
  public static boolean credentialStillValid() {
    java.util.function.BooleanSupplier v = CREDENTIAL.get();
    return v == null || v.getAsBoolean();
  }

  private static final ThreadLocal<java.util.function.BooleanSupplier> CREDENTIAL = new ThreadLocal<>();

  /** The bearer token decides when sent; otherwise the first extension credential found (a console session). */
  private void authorize(HttpExchange ex) {
    if (ex.getRequestHeaders().getFirst("Authorization") == null) {
      for (Authenticator a : authenticators) {
        Authenticator.Verdict v = a.check(ex);
        if (v.kind() == Authenticator.Verdict.Kind.ACCEPT) {
          CREDENTIAL.set(v.stillValid());
          return;
        }
        if (v.kind() == Authenticator.Verdict.Kind.DENY) throw new ApiException(v.status(), v.code(), v.message(), null);
      }
    }
    if (!authorized(ex)) {
      throw new ApiException(401, "unauthorized",
          "missing or wrong bearer token: send 'Authorization: Bearer <token>' with the token from <state-dir>/control.token", null);
    }
  }

  private boolean authorized(HttpExchange ex) {
    String h = ex.getRequestHeaders().getFirst("Authorization");
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
    byte[] given = h.substring(7).trim().getBytes(StandardCharsets.US_ASCII);
    // constant time: the comparison must not reveal how many leading bytes matched
    return MessageDigest.isEqual(given, token);
  }

  static void respond(HttpExchange ex, int status, Object body) throws IOException {
    byte[] bytes = CanonicalJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void respondError(HttpExchange ex, int status, String code, String message, String field) {
    respondError(ex, status, code, message, field, null);
  }

  private static void respondError(HttpExchange ex, int status, String code, String message, String field,
      com.fasterxml.jackson.databind.JsonNode details) {
    ObjectNode err = CanonicalJson.object();
    ObjectNode e = err.putObject("error");
    e.put("code", code).put("message", message);
    if (field != null) e.put("field", field);
    if (details != null) e.set("details", details);
    try {
      respond(ex, status, err);
    } catch (IOException | IllegalStateException alreadySent) {
      log.debug("could not send error response: {}", alreadySent.getMessage());
    }
  }

  @Override
  public void close() {
    sse.close();
    server.stop(0);
    executor.shutdownNow();
  }
}
