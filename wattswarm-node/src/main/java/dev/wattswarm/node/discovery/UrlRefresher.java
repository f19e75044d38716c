package dev.wattswarm.node.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.network.NodeRecord;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One refresh round against the discovery URLs: pull {@code GET {url}/records} and check every
 * record like any other, then push this node's own record with {@code POST {url}/records}. The
 * answers are read up to a cap and a fetch has a timeout, so a slow or hostile URL costs one
 * bounded request per round.
 */
final class UrlRefresher {
  private static final Logger log = LoggerFactory.getLogger(UrlRefresher.class);

  private final DiscoveryService service;
  private final DiscoveryConfig cfg;
  private final HttpClient http;
  /** Per URL, the issue time of the own record it last took, so an unchanged record is not sent again. */
  private final java.util.Map<String, Long> pushed = new java.util.concurrent.ConcurrentHashMap<>();

  UrlRefresher(DiscoveryService service, DiscoveryConfig cfg) {
    this.service = service;
    this.cfg = cfg;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(cfg.fetchTimeoutMs()))
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  void round() {
    for (String url : service.pollTargets()) {
      try {
        pull(url);
        push(url);
      } catch (IOException | RuntimeException e) {
        service.count("url_failures");
        log.debug("discovery URL {} failed: {}", url, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void pull(String url) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/records?limit=" + cfg.maxResults()))
        .timeout(Duration.ofMillis(cfg.fetchTimeoutMs())).header("Accept", "application/json").GET().build();
    HttpResponse<InputStream> res = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    byte[] body;
    try (InputStream in = res.body()) {
      body = in.readNBytes(cfg.maxFetchBytes() + 1);
    }
    if (res.statusCode() != 200) throw new IOException("HTTP " + res.statusCode());
    if (body.length > cfg.maxFetchBytes()) throw new IOException("answer over " + cfg.maxFetchBytes() + " bytes");
    JsonNode records = CanonicalJson.parse(body).path("records");
    int n = 0;
    for (JsonNode r : records) {
      if (n++ >= cfg.maxResults()) break;
      try {
        service.submit(CanonicalJson.encode(r), false, "url:" + url, false);
      } catch (Refusal refused) {
        // counted by submit; one bad record does not spoil the rest
      }
    }
  }

  private void push(String url) throws IOException, InterruptedException {
    NodeRecord own = service.own();
    if (own == null || pushed.getOrDefault(url, Long.MIN_VALUE) == own.issuedAtMs()) return;
    HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/records")).timeout(Duration.ofMillis(cfg.fetchTimeoutMs()))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(own.encode())).build();
    HttpResponse<Void> res = http.send(req, HttpResponse.BodyHandlers.discarding());
    if (res.statusCode() >= 400 && res.statusCode() != 409) throw new IOException("push answered HTTP " + res.statusCode());
    if (pushed.size() < BootnodeUrls.MAX_URLS * 4) pushed.put(url, own.issuedAtMs());
  }
}
