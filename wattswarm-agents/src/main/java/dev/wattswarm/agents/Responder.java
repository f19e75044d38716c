package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** How an agent answers a message: its brain, seen from the messaging layer. */
public interface Responder {
  /**
   * @param from the asking agent's id, or "" for an operator
   * @return the reply body (a JSON value)
   */
  JsonNode respond(AgentSpec self, String from, JsonNode body) throws Exception;

  /**
   * Whether answering {@code body} may block (a model call, an agent loop's inbox, disk). A message
   * a brain answers without blocking is answered on the thread it arrived on, with no hand-over to
   * a worker; otherwise it gets a worker thread that its asker's timeout can interrupt. The safe
   * default is true.
   */
  default boolean blocking(JsonNode body) {
    return true;
  }

  /** With the request's context; a brain that ignores context sends it back unchanged. */
  default Answer respond(AgentSpec self, String from, JsonNode body, ObjectNode context) throws Exception {
    return new Answer(respond(self, from, body), context);
  }
}
