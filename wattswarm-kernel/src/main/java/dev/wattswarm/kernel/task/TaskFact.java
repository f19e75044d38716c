package dev.wattswarm.kernel.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.json.CanonicalJson;

/**
 * What the state machine needs from a task event: type, author node, the author's timestamp (all
 * deadlines are judged by event time, so replay gives the same answer) and the payload.
 */
public record TaskFact(String type, String author, long atMs, JsonNode payload) {
  public static TaskFact of(Event e) {
    return new TaskFact(e.type(), e.author().toString(), e.createdAtMs(), CanonicalJson.parse(e.payload()));
  }
}
