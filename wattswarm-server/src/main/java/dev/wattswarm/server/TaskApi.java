package dev.wattswarm.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.EventFilter;
import dev.wattswarm.kernel.task.TaskEventTypes;
import dev.wattswarm.kernel.task.TaskPhase;
import dev.wattswarm.kernel.task.TaskValidationException;
import dev.wattswarm.node.task.TaskService;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * {@code /v1/tasks}: submit (idempotent on task_id), list by state, one task, its lifecycle as SSE,
 * and cancel.
 */
final class TaskApi {
  private final TaskService tasks;
  private final SseHub sse;

  TaskApi(TaskService tasks, SseHub sse) {
    this.tasks = tasks;
    this.sse = sse;
  }

  void register(Router r) {
    r.post("/v1/tasks", this::submit);
    r.get("/v1/tasks", this::list);
    r.get("/v1/tasks/{id}", req -> task(req.path("id")));
    r.get("/v1/tasks/{id}/events", this::events);
    r.post("/v1/tasks/{id}/cancel", this::cancel);
  }

  private Object submit(Request req) {
    JsonNode body = req.json();
    try {
      TaskService.Submitted s = tasks.submit(body);
      ObjectNode o = CanonicalJson.object();
      o.put("task_id", s.taskId()).put("created", s.created()).put("state", s.task().path("state").asText());
      o.set("task", s.task());
      req.exchange().getResponseHeaders().set("Location", "/v1/tasks/" + s.taskId());
      return new Router.Status(s.created() ? 201 : 200, o);
    } catch (TaskValidationException e) {
      throw invalid(e);
    }
  }

  static ApiException invalid(TaskValidationException e) {
    ArrayNode errs = CanonicalJson.MAPPER.createArrayNode();
    for (var f : e.errors()) errs.addObject().put("field", f.field()).put("message", f.message());
    ObjectNode details = CanonicalJson.object();
    details.set("errors", errs);
    return new ApiException(400, "invalid_task", e.getMessage(), e.errors().get(0).field(), details);
  }

  private Object list(Request req) {
    String state = req.query("state", null);
    int limit = req.intQuery("limit", 100, 1, 1000);
    String after = req.query("cursor", null);
    List<JsonNode> page;
    try {
      page = tasks.list(state, after, limit);
    } catch (TaskValidationException e) {
      throw invalid(e);
    }
    ObjectNode o = CanonicalJson.object();
    ArrayNode arr = o.putArray("tasks");
    page.forEach(arr::add);
    o.put("has_more", page.size() == limit);
    if (!page.isEmpty()) o.put("next_cursor", page.get(page.size() - 1).path("task_id").asText());
    return o;
  }

  private JsonNode task(String id) {
    return tasks.get(id).orElseThrow(() -> ApiException.notFound("no task " + id + " on this node (see GET /v1/tasks)"));
  }

  /** The task's events from the start (or {@code after}); with follow=true, live until it ends. */
  private Object events(Request req) throws java.io.IOException {
    String id = req.path("id");
    task(id);
    long after = req.longQuery("after", EventApi.lastEventId(req));
    boolean follow = Boolean.parseBoolean(req.query("follow", "true"));
    sse.stream(req.exchange(), after, EventFilter.task(id), e -> {
      if (!follow) return false;
      if (!TaskEventTypes.MAYBE_TERMINAL.contains(e.type())) return false;
      return tasks.get(id).map(t -> TaskPhase.fromWire(t.path("state").asText()).terminal()).orElse(false);
    }, !follow);
    return null;
  }

  private Object cancel(Request req) {
    String id = req.path("id");
    String reason = null;
    byte[] body = req.body();
    if (body.length > 0) {
      try {
        reason = CanonicalJson.parse(body).path("reason").asText(null);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("body", e.getMessage() + "; send {\"reason\": \"...\"} or nothing");
      }
    }
    try {
      return tasks.cancel(id, reason);
    } catch (NoSuchElementException e) {
      throw ApiException.notFound("no task " + id + " on this node");
    } catch (TaskService.ConflictException e) {
      throw ApiException.conflict(e.getMessage());
    }
  }
}
