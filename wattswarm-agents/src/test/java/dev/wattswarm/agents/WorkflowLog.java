package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.EventFilter;
import dev.wattswarm.kernel.store.EventPage;
import dev.wattswarm.node.Node;
import java.util.ArrayList;
import java.util.List;

/** The workflow events of a node's lane, in log order, for tests to read what was recorded. */
record WorkflowLog(List<Event> events) {
  static WorkflowLog of(Node node) {
    List<Event> out = new ArrayList<>();
    long cursor = 0;
    while (true) {
      EventPage page = node.store().list(cursor, 1000, new EventFilter("workflow.", "", "node:" + node.nodeId()));
      if (page.events().isEmpty()) return new WorkflowLog(out);
      out.addAll(page.events());
      cursor = page.nextCursor();
    }
  }

  List<String> types() {
    return events.stream().map(Event::type).toList();
  }

  long count(String type, String stepId) {
    return events.stream().filter(e -> e.type().equals(type))
        .filter(e -> stepId == null || payload(e).path("step_id").asText().equals(stepId)).count();
  }

  long payloadBytes() {
    return events.stream().mapToLong(e -> e.payload().length).sum();
  }

  static JsonNode payload(Event e) {
    return CanonicalJson.parse(e.payload());
  }
}
