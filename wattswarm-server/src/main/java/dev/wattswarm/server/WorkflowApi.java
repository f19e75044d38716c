package dev.wattswarm.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.agents.AgentException;
import dev.wattswarm.agents.workflow.WorkflowEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** {@code /v1/workflows}: start a decompose/execute/synthesize workflow and follow it. */
final class WorkflowApi {
  private final WorkflowEngine engine;

  WorkflowApi(WorkflowEngine engine) {
    this.engine = engine;
  }

  void register(Router r) {
    r.post("/v1/workflows", req -> {
      JsonNode b = req.json();
      if (!b.has("goal")) throw ApiException.badRequest("goal", "a workflow needs a \"goal\" (any JSON value) to split between agents");
      String id = b.path("workflow_id").asText("");
      if (id.isEmpty()) id = "wf-" + UUID.randomUUID().toString().substring(0, 8);
      if (!id.matches("[A-Za-z0-9._:\\-]{1,128}")) throw ApiException.badRequest("workflow_id", "workflow_id must be 1-128 of letters, digits, '.', '_', ':', '-'");
      List<String> caps = new ArrayList<>();
      for (JsonNode c : b.path("capabilities")) caps.add(c.asText());
      try {
        return new Router.Status(202, engine.start(id, b.get("goal"), caps).toJson());
      } catch (AgentException e) {
        if (e.kind() == AgentException.Kind.BAD_MESSAGE) throw ApiException.badRequest("goal", e.getMessage());
        throw ApiException.notFound(e.getMessage());
      }
    });
    r.get("/v1/workflows/{id}", req -> engine.get(req.path("id")).map(w -> (Object) w.toJson())
        .orElseThrow(() -> ApiException.notFound("no workflow " + req.path("id"))));
  }
}
