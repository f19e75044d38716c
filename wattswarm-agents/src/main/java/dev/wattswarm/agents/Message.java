package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.JsonNode;

/** A notification delivered to an agent's inbox: who sent it (agent id, "" for an operator) and what. */
public record Message(String from, String fromNode, JsonNode body, long receivedAtMs,
    java.util.concurrent.CompletableFuture<JsonNode> replyTo) {
  public Message(String from, String fromNode, JsonNode body, long receivedAtMs) {
    this(from, fromNode, body, receivedAtMs, null);
  }

  /** True for a request whose sender waits for {@link PeerClient#respond}. */
  public boolean expectsReply() {
    return replyTo != null;
  }
}
