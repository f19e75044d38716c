package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;

/**
 * A message in an agent's inbox (JarvisCore's IncomingMessage): who sent it (agent id, "" for an
 * operator), from which node, what, with which context; a request also carries where its reply goes.
 */
public record Message(String from, String fromNode, JsonNode body, ObjectNode context, long receivedAtMs,
    CompletableFuture<Answer> replyTo) {
  public Message(String from, String fromNode, JsonNode body, ObjectNode context, long receivedAtMs) {
    this(from, fromNode, body, context, receivedAtMs, null);
  }

  /** True for a request whose sender waits for {@link PeerClient#respond}. */
  public boolean expectsReply() {
    return replyTo != null;
  }

  /** JarvisCore's {@code is_request}. */
  public boolean isRequest() {
    return expectsReply();
  }

  /** JarvisCore's {@code sender}. */
  public String sender() {
    return from;
  }

  /** JarvisCore's {@code data}. */
  public JsonNode data() {
    return body;
  }
}
