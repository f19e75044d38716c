package dev.wattswarm.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The control plane as MCP tools see it. Tools go through the same REST API as the CLI, so they
 * get its validation, its errors and its authorization, and no second path into the node exists.
 */
public interface ControlCalls {
  JsonNode get(String pathAndQuery);

  JsonNode post(String path, JsonNode body);

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
