package dev.wattswarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.state.RuntimeInfo;
import dev.wattswarm.node.state.StateDir;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BiPredicate;

/** Talks to the running node named by {@code runtime.json}, with the token from the state dir. */
final class ControlClient {
  private final String baseUrl;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  private ControlClient(String baseUrl, String token) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  /** @throws CliException NOT_RUNNING when no live node owns the state dir */
  static ControlClient forStateDir(StateDir dir) {
    RuntimeInfo rt = running(dir);
    return new ControlClient(rt.controlUrl(), dir.readToken());
  }

  static RuntimeInfo running(StateDir dir) {
    RuntimeInfo rt = dir.runtime().orElseThrow(() -> new CliException(CliException.NOT_RUNNING,
        "no node is running on state dir " + dir.root() + " (no runtime.json). Start one with `wattswarm --state-dir "
            + dir.root() + " node up`."));
    if (!rt.processAlive()) {
      throw new CliException(CliException.NOT_RUNNING, "no node is running on state dir " + dir.root()
          + ": runtime.json names pid " + rt.pid() + ", which is gone (it did not shut down cleanly). Start it again with `node up`.");
    }
    return rt;
  }

  JsonNode get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  JsonNode post(String path, byte[] body) {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /**
   * Reads a server-sent event stream, handing (event name, data) to {@code onEvent} until it
   * returns false or the stream ends.
   */
  void stream(String path, BiPredicate<String, String> onEvent) {
    HttpRequest req = auth(HttpRequest.newBuilder(uri(path)).header("Accept", "text/event-stream").GET()).build();
    try {
      HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      if (resp.statusCode() != 200) {
        throw failure(resp.statusCode(), new String(resp.body().readAllBytes(), StandardCharsets.UTF_8));
      }
      try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
        String event = "message";
        StringBuilder data = new StringBuilder();
        for (String line; (line = r.readLine()) != null; ) {
          if (line.isEmpty()) {
            if (!data.isEmpty() && !onEvent.test(event, data.toString())) return;
            event = "message";
            data.setLength(0);
          } else if (line.startsWith("event: ")) {
            event = line.substring(7);
          } else if (line.startsWith("data: ")) {
            data.append(line.substring(6));
          }
        }
      }
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(CliException.FAILED, "interrupted");
    }
  }

  private URI uri(String path) {
    return URI.create(baseUrl + path);
  }

  private HttpRequest.Builder auth(HttpRequest.Builder b) {
    return b.header("Authorization", "Bearer " + token).timeout(Duration.ofMinutes(10));
  }

  private JsonNode send(HttpRequest.Builder b) {
    try {
      HttpResponse<byte[]> resp = http.send(auth(b).build(), HttpResponse.BodyHandlers.ofByteArray());
      String body = new String(resp.body(), StandardCharsets.UTF_8);
      if (resp.statusCode() / 100 != 2) throw failure(resp.statusCode(), body);
      return CanonicalJson.parse(resp.body());
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(CliException.FAILED, "interrupted");
    }
  }

  private CliException unreachable(IOException e) {
    String why = e instanceof ConnectException ? "connection refused" : e.getClass().getSimpleName() + ": " + e.getMessage();
    return new CliException(CliException.NOT_RUNNING, "the node's control plane at " + baseUrl + " is not answering ("
        + why + "). Check `node status`; if the node died, start it again.");
  }

  /**
   * The node's refusal in the CLI's words: the message without HTTP status codes or endpoint
   * hints (those are for API clients); bad input exits 2, as documented.
   */
  static CliException failure(int status, String body) {
    String msg = body;
    try {
      JsonNode err = CanonicalJson.parse(body).path("error");
      if (err.has("message")) {
        msg = err.path("message").asText() + (err.has("field") ? " (field: " + err.path("field").asText() + ")" : "");
      }
    } catch (IllegalArgumentException notJson) {
      msg = msg.isBlank() ? "the node refused the request (HTTP " + status + ")" : msg;
    }
    msg = cliWords(msg);
    if (status == 401 || status == 403) {
      return new CliException(CliException.FAILED, msg + " (the control token in the state dir does not match the running"
          + " node's; is --state-dir the node's directory?)");
    }
    return new CliException(status == 400 || status == 413 || status == 422 ? ErrorReport.BAD_INPUT : CliException.FAILED, msg);
  }

  /** API hints become the matching command. */
  static String cliWords(String msg) {
    return msg.replace("see GET /v1/tasks", "see `wattswarm task list`")
        .replace("see GET /v1/agents", "see `wattswarm agents list`")
        .replace("see GET /v1/peers", "see `wattswarm peers list`")
        .replaceAll("\\b(GET|POST|PUT|DELETE) (/v1/[^\\s)]*)", "$2");
  }
}
