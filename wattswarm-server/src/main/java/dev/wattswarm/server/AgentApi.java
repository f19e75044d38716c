package dev.wattswarm.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.agents.AgentException;
import dev.wattswarm.agents.AgentRecord;
import dev.wattswarm.agents.AgentRuntime;
import dev.wattswarm.agents.Context;
import dev.wattswarm.agents.PeerInfo;
import dev.wattswarm.agents.Strategy;
import dev.wattswarm.kernel.json.CanonicalJson;

/** {@code /v1/agents}: the registry, and requests, notifications and broadcasts to agents. */
final class AgentApi {
  private final AgentRuntime agents;
  private final String nodeId;

  AgentApi(AgentRuntime agents, String nodeId) {
    this.agents = agents;
    this.nodeId = nodeId;
  }

  void register(Router r) {
    r.get("/v1/agents", this::list);
    r.post("/v1/agents/request", this::request);
    r.post("/v1/agents/notify", req -> {
      JsonNode b = req.json();
      return CanonicalJson.object().put("sent", agents.operatorNotify(target(b), body(b), context(b)));
    });
    r.post("/v1/agents/broadcast", req -> {
      JsonNode b = req.json();
      return CanonicalJson.object().put("notified", agents.operatorBroadcast(b.path("all").asBoolean(false) ? "" : target(b), body(b), context(b)));
    });
  }

  private Object list(Request req) {
    String role = req.query("role", null);
    String cap = req.query("capability", null);
    ObjectNode o = CanonicalJson.object();
    ArrayNode arr = o.putArray("agents");
    for (AgentRecord a : agents.registry().all()) {
      if (role != null && !a.role().wire().equals(role)) continue;
      if (cap != null && !a.capabilities().contains(cap)) continue;
      arr.add(PeerInfo.of(a, nodeId).toJson());
    }
    return o;
  }

  private Object request(Request req) {
    JsonNode b = req.json();
    long timeout = b.path("timeout_ms").asLong(30_000);
    if (timeout < 1 || timeout > 600_000) throw ApiException.badRequest("timeout_ms", "timeout_ms must be 1-600000");
    Strategy s;
    try {
      s = Strategy.parse(b.path("strategy").asText("least_recent"));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("strategy", e.getMessage());
    }
    try {
      return agents.operatorRequest(target(b), body(b), context(b), s, timeout).toJson();
    } catch (AgentException e) {
      throw switch (e.kind()) {
        case NO_SUCH_AGENT -> ApiException.notFound(e.getMessage());
        case TIMEOUT -> new ApiException(504, "timeout", e.getMessage(), null);
        case QUEUE_FULL -> new ApiException(429, "queue_full", e.getMessage(), null);
        case BAD_MESSAGE -> ApiException.badRequest("body", e.getMessage());
        case FAILED -> new ApiException(502, "agent_failed", e.getMessage(), null);
      };
    }
  }

  private static String target(JsonNode b) {
    for (String f : new String[] {"target", "capability", "role"}) {
      if (b.hasNonNull(f) && !b.get(f).asText().isBlank()) return b.get(f).asText();
    }
    throw ApiException.badRequest("target", "name the agent: \"target\" (role, agent id or name) or \"capability\"");
  }

  /** The optional {@code context}: a JSON object of at most {@link Context#MAX_BYTES}, sent and answered with the message. */
  private static JsonNode context(JsonNode b) {
    JsonNode c = b.get("context");
    try {
      return Context.of(c);
    } catch (AgentException e) {
      throw ApiException.badRequest("context", e.getMessage());
    }
  }

  private static JsonNode body(JsonNode b) {
    if (!b.has("body")) throw ApiException.badRequest("body", "the message goes in \"body\" (any JSON value)");
    return b.get("body");
  }
}
