package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What an agent answers a request with, and the context that goes back with it (the request's unless overridden). */
public record Answer(JsonNode body, ObjectNode context) {}
