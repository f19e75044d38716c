package dev.wattswarm.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.event.EventId;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.EventFilter;
import dev.wattswarm.kernel.store.EventPage;
import dev.wattswarm.kernel.store.EventStore;

/** {@code /v1/events}: the log, paged by cursor, one event by id, and a live SSE stream. */
final class EventApi {
  private final EventStore store;
  private final SseHub sse;

  EventApi(EventStore store, SseHub sse) {
    this.store = store;
    this.sse = sse;
  }

  void register(Router r) {
    r.get("/v1/events", this::list);
    r.get("/v1/events/stream", req -> {
      long after = req.longQuery("after", lastEventId(req));
      boolean named = !"false".equals(req.query("named", "true"));
      sse.stream(req.exchange(), after, filter(req), e -> false, false, named);
      return null;
    });
    r.get("/v1/events/{id}", req -> {
      EventId id;
      try {
        id = EventId.parse(req.path("id"));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("id", e.getMessage());
      }
      return store.get(id).map(ev -> EventJson.render(ev, -1)).orElseThrow(() -> ApiException.notFound("no event " + id.hex()));
    });
  }

  private Object list(Request req) {
    long after = req.longQuery("cursor", req.longQuery("after", 0));
    int limit = req.intQuery("limit", 100, 1, 1000);
    EventPage page = store.list(after, limit, filter(req));
    ObjectNode o = CanonicalJson.object();
    ArrayNode arr = o.putArray("events");
    for (int i = 0; i < page.events().size(); i++) arr.add(EventJson.render(page.events().get(i), page.positions().get(i)));
    o.put("next_cursor", page.nextCursor());
    o.put("has_more", page.events().size() == limit);
    return o;
  }

  static EventFilter filter(Request req) {
    String scope = req.query("scope", "");
    if (!scope.isEmpty()) {
      try {
        scope = Scope.parse(scope).toString();
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("scope", e.getMessage());
      }
    }
    return new EventFilter(req.query("type", ""), req.query("task_id", ""), scope);
  }

  static long lastEventId(Request req) {
    String h = req.exchange().getRequestHeaders().getFirst("Last-Event-ID");
    if (h == null || h.isBlank()) return 0;
    try {
      return Long.parseLong(h.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("Last-Event-ID", "Last-Event-ID must be a log position (integer)");
    }
  }
}
