package dev.wattswarm.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The control plane as MCP tools see it. Tools go through the same REST API as the CLI, so they
 * get its validation, its errors and its authorization, and no second path into the node exists.
 */
public interface ControlCalls {
  JsonNode get(String pathAndQuery);

  JsonNode post(String path, JsonNode body);

  /** One path segment from a tool's argument (an id may hold '/', '?' or spaces). */
  static String seg(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The query string of those {@code names} the tool's arguments give, or "" when none. */
  static String query(JsonNode a, String... names) {
    StringBuilder q = new StringBuilder();
    for (String n : names) {
      if (!a.hasNonNull(n)) continue;
      q.append(q.isEmpty() ? '?' : '&').append(n).append('=').append(URLEncoder.encode(a.get(n).asText(), StandardCharsets.UTF_8));
    }
    return q.toString();
  }

  /** The control plane refused or failed a call: its status and its one-line message. */
  final class Failure extends RuntimeException {
    private final int status;

    public Failure(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }
}
