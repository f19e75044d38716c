package dev.wattswarm.server.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.task.TaskValidationException;
import dev.wattswarm.node.task.TaskService;
import dev.wattswarm.server.ApiException;
import dev.wattswarm.server.gateway.GatewayAuth;
import dev.wattswarm.server.gateway.GatewayLimits;
import dev.wattswarm.server.gateway.Scope;
import dev.wattswarm.server.gateway.TaskWatch;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.NoSuchElementException;

/**
 * The A2A v1.0 JSON-RPC transport at {@link #PATH}: {@code SendMessage}, {@code SendStreamingMessage}
 * (server-sent events), {@code GetTask} and {@code CancelTask}, behind the gateway keys. Protocol
 * errors are JSON-RPC errors with HTTP 200 (as the spec's JSON-RPC binding has them); a missing or
 * wrong key is HTTP 401, an oversized body 413, a key over its rate 429, each still with a
 * JSON-RPC error body the official client can read.
 */
public final class A2aRpc {
  public static final String PATH = "/a2a/v1";
  static final int PARSE_ERROR = -32700;
  static final int INVALID_REQUEST = -32600;
  static final int METHOD_NOT_FOUND = -32601;

  private final GatewayAuth auth;
  private final TaskService tasks;
  private final TaskWatch watch;
  private final GatewayLimits limits;

  public A2aRpc(GatewayAuth auth, TaskService tasks, TaskWatch watch, GatewayLimits limits) {
    this.auth = auth;
    this.tasks = tasks;
    this.watch = watch;
    this.limits = limits;
  }

  public void register(RoutesConfig r) {
    r.post(PATH, this::handle);
  }

  private void handle(Context ctx) throws IOException {
    GatewayAuth.Caller caller;
    try {
      caller = auth.caller(ctx.header("Authorization"), null);
    } catch (ApiException e) {
      reply(ctx.status(e.status()), error(null, INVALID_REQUEST, e.getMessage()));
      return;
    }
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length > limits.maxBodyBytes()) {
      reply(ctx.status(413), error(null, INVALID_REQUEST, "request body of " + bytes.length + " bytes is over the cap of " + limits.maxBodyBytes() + " bytes"));
      return;
    }
    JsonNode req;
    try {
      req = CanonicalJson.parse(bytes);
    } catch (IllegalArgumentException e) {
      reply(ctx, error(null, PARSE_ERROR, "the body is not JSON; send one JSON-RPC 2.0 request object"));
      return;
    }
    JsonNode id = req.get("id");
    if (!req.isObject() || !"2.0".equals(req.path("jsonrpc").asText(null)) || !req.path("method").isTextual()
        || (id != null && !id.isTextual() && !id.isIntegralNumber() && !id.isNull())) {
      reply(ctx, error(id != null && (id.isTextual() || id.isIntegralNumber()) ? id : null, INVALID_REQUEST,
          "not a JSON-RPC 2.0 request: it needs \"jsonrpc\": \"2.0\", a string \"method\" and a string or integer \"id\""));
      return;
    }
    JsonNode params = req.path("params");
    if (!params.isObject()) {
      reply(ctx, error(id, A2aTasks.INVALID_PARAMS, "params must be an object"));
      return;
    }
    String method = req.get("method").asText();
    try {
      switch (method) {
        case "GetTask" -> caller.require(Scope.READ);
        case "SendMessage", "SendStreamingMessage", "CancelTask" -> caller.require(Scope.TASKS_WRITE);
        default -> { } // an unknown method is refused below, whatever the key may do
      }
    } catch (ApiException e) {
      reply(ctx.status(e.status()), error(id, INVALID_REQUEST, e.getMessage()));
      return;
    }
    try {
      switch (method) {
        case "SendMessage" -> reply(ctx, result(id, CanonicalJson.object().set("task", send(params))));
        case "SendStreamingMessage" -> new A2aStream(tasks, watch).run(ctx, id, start(params));
        case "GetTask" -> reply(ctx, result(id, A2aTasks.view(existing(params))));
        case "CancelTask" -> reply(ctx, result(id, cancel(params)));
        default -> reply(ctx, error(id, METHOD_NOT_FOUND, "unknown method '" + clip(method)
            + "'; this agent speaks SendMessage, SendStreamingMessage, GetTask and CancelTask"));
      }
    } catch (A2aTasks.RpcError e) {
      reply(ctx, error(id, e.code, e.getMessage()));
    }
  }

  /** Creates the swarm task and, unless asked to return at once, waits a while for it to end. */
  private JsonNode send(JsonNode params) {
    JsonNode task = start(params);
    if (params.path("configuration").path("returnImmediately").asBoolean(false)) return A2aTasks.view(task);
    String id = task.path("task_id").asText();
    long end = System.nanoTime() + limits.waitMs() * 1_000_000L;
    try (TaskWatch.Follow f = watch.follow(id)) {
      while (true) {
        task = tasks.get(id).orElse(task);
        long left = (end - System.nanoTime()) / 1_000_000L;
        if (A2aTasks.terminal(task.path("state").asText()) || left <= 0) break;
        f.await(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return A2aTasks.view(task);
  }

  private JsonNode start(JsonNode params) {
    ObjectNode spec = A2aTasks.taskFor(params.get("message"));
    try {
      return tasks.submit(spec).task();
    } catch (TaskValidationException e) {
      throw new A2aTasks.RpcError(A2aTasks.INVALID_PARAMS, "the message does not make a valid swarm task: " + e.getMessage());
    }
  }

  private JsonNode existing(JsonNode params) {
    String id = params.path("id").asText("");
    if (id.isEmpty()) throw new A2aTasks.RpcError(A2aTasks.INVALID_PARAMS, "params.id (the task id) is required");
    return tasks.get(id).orElseThrow(() -> new A2aTasks.RpcError(A2aTasks.TASK_NOT_FOUND, "no task " + clip(id) + " on this node"));
  }

  private JsonNode cancel(JsonNode params) {
    String id = existing(params).path("task_id").asText();
    try {
      return A2aTasks.view(tasks.cancel(id, "cancelled over A2A"));
    } catch (NoSuchElementException e) {
      throw new A2aTasks.RpcError(A2aTasks.TASK_NOT_FOUND, "no task " + clip(id) + " on this node");
    } catch (TaskService.ConflictException e) {
      throw new A2aTasks.RpcError(A2aTasks.TASK_NOT_CANCELABLE, e.getMessage());
    }
  }

  static ObjectNode result(JsonNode id, JsonNode result) {
    ObjectNode o = CanonicalJson.object().put("jsonrpc", "2.0");
    o.set("id", id);
    o.set("result", result);
    return o;
  }

  static ObjectNode error(JsonNode id, int code, String message) {
    ObjectNode o = CanonicalJson.object().put("jsonrpc", "2.0");
    o.set("id", id == null ? CanonicalJson.MAPPER.nullNode() : id);
    o.putObject("error").put("code", code).put("message", message);
    return o;
  }

  private static void reply(Context ctx, ObjectNode body) {
    ctx.contentType("application/json").header("Cache-Control", "no-store").result(body.toString());
  }

  static String clip(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "..." : s;
  }
}
