package dev.wattswarm.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** {@link ControlCalls} over HTTP with the control token: what {@code wattswarm mcp} and {@code /mcp} use. */
public final class HttpControlCalls implements ControlCalls {
  private final String baseUrl;
  private final String token;
  private final Duration timeout;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  /** @param timeout per call; agent requests may wait up to their own timeout_ms, so give them room */
  public HttpControlCalls(String baseUrl, String token, Duration timeout) {
    this.baseUrl = baseUrl;
    this.token = token;
    this.timeout = timeout;
  }

  @Override
  public JsonNode get(String pathAndQuery) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).GET());
  }

  @Override
  public JsonNode post(String path, JsonNode body) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body == null ? new byte[0] : CanonicalJson.encode(body))));
  }

  private JsonNode send(HttpRequest.Builder b) {
    HttpRequest req = b.header("Authorization", "Bearer " + token).timeout(timeout).build();
    try {
      HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
      JsonNode body = resp.body().length == 0 ? CanonicalJson.object() : parse(resp.body());
      if (resp.statusCode() / 100 != 2) {
        String msg = body.path("error").path("message").asText("");
        throw new Failure(resp.statusCode(), msg.isEmpty() ? "the control plane answered " + resp.statusCode() : msg);
      }
      return body;
    } catch (IOException e) {
      throw new Failure(503, "the node's control plane at " + baseUrl + " is not answering (" + e.getClass().getSimpleName()
          + "); check `wattswarm node status`");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure(503, "interrupted");
    }
  }

  private static JsonNode parse(byte[] b) {
    try {
      return CanonicalJson.MAPPER.readTree(b);
    } catch (IOException e) {
      return CanonicalJson.object().put("text", new String(b, java.nio.charset.StandardCharsets.UTF_8));
    }
  }
}
