package dev.wattswarm.server.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.task.TaskValidationException;
import dev.wattswarm.node.task.TaskService;
import dev.wattswarm.server.ApiException;
import dev.wattswarm.server.publicapi.PublicErrors;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * The gateway's HTTP routes under {@code /gateway/v1/}: tasks in (the CLI's JSON), a task's view
 * out, missions and services through the {@link GatewayEconomy}. Every route wants a gateway key.
 */
public final class GatewayRoutes {
  public static final String BASE = "/gateway/v1";

  private final GatewayAuth auth;
  private final TaskService tasks;
  private final GatewayEconomy economy;
  private final GatewayLimits limits;

  public GatewayRoutes(GatewayAuth auth, TaskService tasks, GatewayEconomy economy, GatewayLimits limits) {
    this.auth = auth;
    this.tasks = tasks;
    this.economy = economy;
    this.limits = limits;
  }

  public void register(RoutesConfig r) {
    r.post(BASE + "/tasks", this::submitTask);
    r.get(BASE + "/tasks/{id}", this::task);
    r.post(BASE + "/missions", this::submitMission);
    r.get(BASE + "/missions/{id}", this::mission);
    r.get(BASE + "/services", this::services);
  }

  private void submitTask(Context ctx) {
    auth.check(ctx.header("Authorization"), null, Scope.TASKS_WRITE);
    JsonNode body = jsonBody(ctx, limits.maxBodyBytes());
    try {
      TaskService.Submitted s = tasks.submit(body);
      ObjectNode o = CanonicalJson.object();
      o.put("task_id", s.taskId()).put("created", s.created()).put("state", s.task().path("state").asText());
      o.set("task", s.task());
      ctx.header("Location", BASE + "/tasks/" + s.taskId());
      json(ctx.status(s.created() ? 201 : 200), o);
    } catch (TaskValidationException e) {
      throw invalidTask(e);
    }
  }

  private void task(Context ctx) {
    auth.check(ctx.header("Authorization"), null, Scope.READ);
    String id = ctx.pathParam("id");
    JsonNode t = tasks.get(id).orElseThrow(() -> ApiException.notFound("no task " + GatewayKeys.clip(id) + " on this node"));
    json(ctx, t);
  }

  private void submitMission(Context ctx) {
    auth.check(ctx.header("Authorization"), null, Scope.MISSIONS_WRITE);
    JsonNode body = jsonBody(ctx, limits.maxBodyBytes());
    economy(ctx, () -> {
      JsonNode m = economy.submitMission(body);
      json(ctx.status(201), m);
    });
  }

  private void mission(Context ctx) {
    auth.check(ctx.header("Authorization"), null, Scope.READ);
    String id = ctx.pathParam("id");
    economy(ctx, () -> json(ctx, economy.mission(id)
        .orElseThrow(() -> ApiException.notFound("no mission " + GatewayKeys.clip(id) + " on this node"))));
  }

  private void services(Context ctx) {
    auth.check(ctx.header("Authorization"), null, Scope.READ);
    String cap = ctx.queryParam("capability");
    if (cap != null && !cap.matches("[a-z0-9][a-z0-9._\\-]{0,63}")) {
      throw ApiException.badRequest("capability", "capability must be 1-64 lowercase letters, digits, '.', '_' or '-'");
    }
    economy(ctx, () -> json(ctx, economy.services(cap)));
  }

  private static void economy(Context ctx, Runnable call) {
    try {
      call.run();
    } catch (GatewayEconomy.Unavailable e) {
      PublicErrors.send(ctx, 501, "not_implemented", e.getMessage());
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("body", e.getMessage());
    }
  }

  /** The body as one JSON object, or a 4xx naming what was wrong. */
  static JsonNode jsonBody(Context ctx, int maxBytes) {
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length > maxBytes) {
      throw new ApiException(413, "too_large", "request body of " + bytes.length + " bytes is over the gateway's cap of " + maxBytes + " bytes", null);
    }
    if (bytes.length == 0) throw ApiException.badRequest("body", "the body is empty; send one JSON object");
    JsonNode body;
    try {
      body = CanonicalJson.parse(bytes);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("body", "the body is not JSON (" + firstLine(e.getMessage()) + "); send one JSON object");
    }
    if (!body.isObject()) throw ApiException.badRequest("body", "the body must be a JSON object, not " + body.getNodeType().name().toLowerCase());
    return body;
  }

  static ApiException invalidTask(TaskValidationException e) {
    ArrayNode errs = CanonicalJson.MAPPER.createArrayNode();
    for (var f : e.errors()) errs.addObject().put("field", f.field()).put("message", f.message());
    ObjectNode details = CanonicalJson.object();
    details.set("errors", errs);
    return new ApiException(400, "invalid_task", e.getMessage(), e.errors().get(0).field(), details);
  }

  static String firstLine(String s) {
    if (s == null) return "unreadable";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  static void json(Context ctx, JsonNode body) {
    ctx.contentType("application/json").header("Cache-Control", "no-store").result(CanonicalJson.encode(body));
  }
}
