package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.JsonNode;

/** A notification delivered to an agent's inbox: who sent it (agent id, "" for an operator) and what. */
public record Message(String from, String fromNode, JsonNode body, long receivedAtMs) {}
