package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.JsonNode;

/** How an agent answers a message: its brain, seen from the messaging layer. */
public interface Responder {
  /**
   * @param from the asking agent's id, or "" for an operator
   * @return the reply body (a JSON value)
   */
  JsonNode respond(AgentSpec self, String from, JsonNode body) throws Exception;
}
