package dev.wattswarm.server.metrics;

import com.sun.net.httpserver.HttpExchange;
import dev.wattswarm.server.Router;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** {@code GET /metrics}: Prometheus text format, no token (it says how busy the node is, not what it holds). */
public final class MetricsApi {
  private final NodeMetrics metrics;

  public MetricsApi(NodeMetrics metrics) {
    this.metrics = metrics;
  }

  public void register(Router r) {
    r.get("/metrics", req -> {
      write(req.exchange(), metrics.scrape());
      return null;
    });
  }

  private static void write(HttpExchange ex, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
