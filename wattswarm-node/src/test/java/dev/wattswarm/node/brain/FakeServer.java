package dev.wattswarm.node.brain;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * A real HTTP server on 127.0.0.1 standing in for a model server: each path answers with a handler
 * the test sets, and every request is counted and kept so tests can check what went over the wire.
 */
final class FakeServer implements AutoCloseable {
  /** Answers one request; {@code nth} counts this path's requests from 1. */
  interface Handler {
    void handle(HttpExchange ex, int nth) throws Exception;
  }

  /** What the client sent. */
  record Received(String method, String path, Map<String, List<String>> headers, String body) {
    JsonNode json() {
      return CanonicalJson.parse(body);
    }

    String header(String name) {
      List<String> v = headers.get(name);
      return v == null ? null : v.get(0);
    }
  }

  private final HttpServer server;
  private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  final List<Received> received = new CopyOnWriteArrayList<>();
  /** Slow handlers wait on this; closing the server releases them. */
  final CountDownLatch release = new CountDownLatch(1);

  FakeServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(pool);
    server.createContext("/", this::dispatch);
    server.start();
  }

  String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  FakeServer on(String path, Handler h) {
    handlers.put(path, h);
    return this;
  }

  int hits(String path) {
    AtomicInteger n = hits.get(path);
    return n == null ? 0 : n.get();
  }

  Received last(String path) {
    for (int i = received.size() - 1; i >= 0; i--) if (received.get(i).path().equals(path)) return received.get(i);
    throw new AssertionError("no request to " + path);
  }

  private void dispatch(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    received.add(new Received(ex.getRequestMethod(), path, Map.copyOf(ex.getRequestHeaders()), body));
    int nth = hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    Handler h = handlers.get(path);
    try {
      if (h == null) reply(ex, 404, "text/plain", "404 page not found");
      else h.handle(ex, nth);
    } catch (Exception e) {
      // a handler that fails (or is released at shutdown) just drops the connection
    } finally {
      ex.close();
    }
  }

  static void reply(HttpExchange ex, int status, String contentType, String body, String... headers) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType);
    for (int i = 0; i + 1 < headers.length; i += 2) ex.getResponseHeaders().set(headers[i], headers[i + 1]);
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(b);
    }
  }

  static void json(HttpExchange ex, int status, String body, String... headers) throws IOException {
    reply(ex, status, "application/json", body, headers);
  }

  /** Starts a chunked 200 answer; each {@link #chunk} goes out at once. */
  static OutputStream startStream(HttpExchange ex, String contentType) throws IOException {
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(200, 0);
    return ex.getResponseBody();
  }

  static void chunk(OutputStream os, String text) throws IOException {
    os.write(text.getBytes(StandardCharsets.UTF_8));
    os.flush();
  }

  /** The BrainException {@code call} throws; fails the test when it throws nothing or something else. */
  static BrainException failure(ThrowingCallable call) {
    Throwable t = Assertions.catchThrowable(call);
    Assertions.assertThat(t).as("expected a BrainException").isInstanceOf(BrainException.class);
    return (BrainException) t;
  }

  /** Holds the handler until the test ends, like a model that never answers. */
  void stall() throws InterruptedException {
    release.await(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    pool.shutdownNow();
  }
}
