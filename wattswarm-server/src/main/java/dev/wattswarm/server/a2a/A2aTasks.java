package dev.wattswarm.server.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.time.Instant;
import java.util.UUID;

/**
 * A2A v1.0 tasks as views of swarm tasks (proto JSON, as @a2a-js/sdk 1.3.0 reads it). An A2A
 * message becomes a swarm task: text parts are its {@code inputs.prompt}; a data part that is a
 * whole task (has {@code task_type}) is taken as the CLI's task JSON; other data parts go to
 * {@code inputs.data}. The A2A context and message ids ride in {@code inputs.a2a}, so the view
 * can be rebuilt from the swarm task alone, on any node and after a restart.
 */
final class A2aTasks {
  static final int MAX_PARTS = 64;

  private A2aTasks() {}

  /** A JSON-RPC error the handler returns as is. */
  static final class RpcError extends RuntimeException {
    final int code;

    RpcError(int code, String message) {
      super(message);
      this.code = code;
    }
  }

  static final int INVALID_PARAMS = -32602;
  static final int TASK_NOT_FOUND = -32001;
  static final int TASK_NOT_CANCELABLE = -32002;
  static final int UNSUPPORTED_OPERATION = -32004;
  static final int CONTENT_TYPE_NOT_SUPPORTED = -32005;

  /** The swarm task JSON for a SendMessage request's {@code message}, with a fresh task id. */
  static ObjectNode taskFor(JsonNode message) {
    if (message == null || !message.isObject()) throw new RpcError(INVALID_PARAMS, "params.message is required and must be an object");
    String role = message.path("role").asText("");
    if (!role.equals("ROLE_USER") && !(message.path("role").isInt() && message.path("role").asInt() == 1)) {
      throw new RpcError(INVALID_PARAMS, "params.message.role must be ROLE_USER");
    }
    if (message.path("messageId").asText("").isEmpty()) throw new RpcError(INVALID_PARAMS, "params.message.messageId is required");
    if (!message.path("taskId").asText("").isEmpty()) {
      throw new RpcError(UNSUPPORTED_OPERATION, "swarm tasks take no follow-up messages; send a new message without taskId");
    }
    JsonNode parts = message.path("parts");
    if (!parts.isArray() || parts.isEmpty()) throw new RpcError(INVALID_PARAMS, "params.message.parts must hold at least one part");
    if (parts.size() > MAX_PARTS) throw new RpcError(INVALID_PARAMS, "params.message.parts holds more than " + MAX_PARTS + " parts");
    StringBuilder text = new StringBuilder();
    ObjectNode spec = null;
    ArrayNode data = CanonicalJson.MAPPER.createArrayNode();
    for (JsonNode p : parts) {
      if (p.has("text") && p.get("text").isTextual()) {
        if (!text.isEmpty()) text.append('\n');
        text.append(p.get("text").asText());
      } else if (p.has("data")) {
        JsonNode d = p.get("data");
        if (d.isObject() && d.has("task_type") && spec == null) spec = ((ObjectNode) d).deepCopy();
        else data.add(d);
      } else if (p.has("url") || p.has("raw")) {
        throw new RpcError(CONTENT_TYPE_NOT_SUPPORTED, "file parts (url, raw) are not taken; send text or data parts");
      } else {
        throw new RpcError(INVALID_PARAMS, "a part must have text, data, url or raw");
      }
    }
    if (spec == null) spec = CanonicalJson.object().put("task_type", "swarm");
    if (!spec.path("inputs").isObject()) spec.putObject("inputs");
    ObjectNode inputs = (ObjectNode) spec.get("inputs");
    if (!text.isEmpty() && !inputs.has("prompt")) inputs.put("prompt", text.toString());
    if (!data.isEmpty()) inputs.set("data", data);
    String contextId = message.path("contextId").asText("");
    if (contextId.isEmpty() || contextId.length() > 128) contextId = UUID.randomUUID().toString();
    inputs.putObject("a2a").put("context_id", contextId).put("message_id", clip(message.path("messageId").asText()));
    spec.put("task_id", "a2a-" + UUID.randomUUID());
    return spec;
  }

  static String state(String swarmState) {
    return switch (swarmState) {
      case "open", "retry_wait" -> "TASK_STATE_SUBMITTED";
      case "claimed", "voting", "revealing", "decided" -> "TASK_STATE_WORKING";
      case "finalized" -> "TASK_STATE_COMPLETED";
      case "cancelled" -> "TASK_STATE_CANCELED";
      default -> "TASK_STATE_FAILED"; // failed, expired
    };
  }

  static boolean terminal(String swarmState) {
    return switch (swarmState) {
      case "finalized", "failed", "expired", "cancelled" -> true;
      default -> false;
    };
  }

  static String contextId(JsonNode task) {
    String c = task.path("spec").path("inputs").path("a2a").path("context_id").asText("");
    return c.isEmpty() ? task.path("task_id").asText() : c;
  }

  static ObjectNode status(JsonNode task) {
    String s = task.path("state").asText();
    ObjectNode st = CanonicalJson.object().put("state", state(s))
        .put("timestamp", Instant.ofEpochMilli(task.path("updated_at_ms").asLong()).toString());
    String why = task.path("last_error").asText("");
    if (!s.equals("finalized") && terminal(s)) {
      ObjectNode m = st.putObject("message").put("messageId", task.path("task_id").asText() + "-status")
          .put("contextId", contextId(task)).put("taskId", task.path("task_id").asText()).put("role", "ROLE_AGENT");
      m.putArray("parts").addObject().put("text", "the swarm task ended " + s + (why.isEmpty() ? "" : ": " + why));
    }
    return st;
  }

  /** The task's output as an artifact, once it has one. */
  static ObjectNode artifact(JsonNode task) {
    JsonNode out = task.get("output");
    if (out == null || out.isNull() || !task.path("state").asText().equals("finalized")) return null;
    ObjectNode a = CanonicalJson.object().put("artifactId", task.path("task_id").asText() + "-output").put("name", "output")
        .put("description", "the swarm's decided result");
    ArrayNode parts = a.putArray("parts");
    parts.addObject().put("text", out.isTextual() ? out.asText() : out.toString()).put("mediaType", "text/plain");
    if (out.isContainerNode()) parts.addObject().put("mediaType", "application/json").set("data", out);
    a.putObject("metadata").put("executor", task.path("executor").asText("")).put("result_hash", task.path("result_hash").asText(""));
    return a;
  }

  static ObjectNode view(JsonNode task) {
    ObjectNode t = CanonicalJson.object().put("id", task.path("task_id").asText()).put("contextId", contextId(task));
    t.set("status", status(task));
    ObjectNode a = artifact(task);
    if (a != null) t.putArray("artifacts").add(a);
    t.putObject("metadata").put("swarm_state", task.path("state").asText()).put("coordinator", task.path("coordinator").asText(""));
    return t;
  }

  private static String clip(String s) {
    return s.length() > 128 ? s.substring(0, 128) : s;
  }
}
