package dev.wattswarm.server.mcp;

import static dev.wattswarm.server.mcp.ControlCalls.query;
import static dev.wattswarm.server.mcp.ControlCalls.seg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.util.List;
import java.util.UUID;

/** Tools for the node, its peers, tasks and agents: each one call to the control plane. */
final class SwarmTools {
  private SwarmTools() {}

  private static final String NONE = "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}";

  static List<McpTool> all() {
    return List.of(
        McpTool.of("node_status", "This node: id, network, mode, uptime, event count, peers and what it refused (defense counters).",
            NONE, true, (a, c) -> c.get("/v1/node")),
        McpTool.of("peers_list", "The peers this node is connected to, with their addresses.", NONE, true, (a, c) -> c.get("/v1/peers")),
        McpTool.of("tasks_submit", "Submit a task to the swarm. Returns its id and state; watch it with tasks_show.", """
            {"type":"object","required":["prompt"],"additionalProperties":false,"properties":{
              "prompt":{"type":"string","minLength":1,"description":"what to do"},
              "task_id":{"type":"string","minLength":1,"description":"idempotency key; a new id when left out"},
              "task_type":{"type":"string","description":"default swarm"},
              "capability":{"type":"string","description":"only executors with this capability may run it"},
              "profile":{"type":"string","enum":["fast","quorum"],"description":"fast: one executor; quorum: several vote"},
              "quorum_executors":{"type":"integer","minimum":1,"maximum":64},
              "swarm_scope":{"type":"string","description":"global (default), region:<id> or node:<id>"}}}""", false,
            SwarmTools::submit),
        McpTool.of("tasks_show", "One task with its full state: claims, candidates, votes, decision and result.", """
            {"type":"object","required":["task_id"],"additionalProperties":false,"properties":{"task_id":{"type":"string","minLength":1}}}""",
            true, (a, c) -> c.get("/v1/tasks/" + seg(a.path("task_id").asText()))),
        McpTool.of("tasks_list", "Tasks this node knows, optionally in one state, a page at a time.", """
            {"type":"object","additionalProperties":false,"properties":{
              "state":{"type":"string","enum":["open","retry_wait","claimed","voting","revealing","decided","finalized","failed","expired","cancelled"]},
              "limit":{"type":"integer","minimum":1,"maximum":1000},
              "cursor":{"type":"string","description":"next_cursor of the previous page"}}}""", true,
            (a, c) -> c.get("/v1/tasks" + query(a, "state", "limit", "cursor"))),
        McpTool.of("tasks_cancel", "Cancel a task this node coordinates that has not ended.", """
            {"type":"object","required":["task_id"],"additionalProperties":false,"properties":{
              "task_id":{"type":"string","minLength":1},"reason":{"type":"string"}}}""", false,
            (a, c) -> c.post("/v1/tasks/" + seg(a.path("task_id").asText()) + "/cancel",
                CanonicalJson.object().put("reason", a.path("reason").asText("cancelled over MCP")))),
        McpTool.of("agents_list", "Agents in the swarm (local and remote), optionally by role or capability.", """
            {"type":"object","additionalProperties":false,"properties":{"role":{"type":"string"},"capability":{"type":"string"}}}""",
            true, (a, c) -> c.get("/v1/agents" + query(a, "role", "capability"))),
        McpTool.of("agents_request", "Send a request to an agent chosen by role, id, name or capability, and wait for its reply.", """
            {"type":"object","required":["target","body"],"additionalProperties":false,"properties":{
              "target":{"type":"string","minLength":1,"description":"role, agent id, agent name or capability"},
              "body":{"description":"the message, any JSON value"},
              "strategy":{"type":"string","enum":["least_recent","random","round_robin","first"]},
              "timeout_ms":{"type":"integer","minimum":1,"maximum":600000}}}""", false,
            (a, c) -> c.post("/v1/agents/request", a)));
  }

  private static JsonNode submit(JsonNode a, ControlCalls c) {
    ObjectNode task = CanonicalJson.object();
    task.put("task_id", a.hasNonNull("task_id") ? a.get("task_id").asText() : "mcp-" + UUID.randomUUID());
    task.put("task_type", a.path("task_type").asText("swarm"));
    ObjectNode inputs = task.putObject("inputs").put("prompt", a.path("prompt").asText());
    if (a.hasNonNull("swarm_scope")) inputs.put("swarm_scope", a.get("swarm_scope").asText());
    if (a.hasNonNull("capability")) task.put("capability", a.get("capability").asText());
    if (a.hasNonNull("profile")) task.put("profile", a.get("profile").asText());
    if (a.hasNonNull("quorum_executors")) task.putObject("quorum").put("executors", a.get("quorum_executors").asInt());
    JsonNode r = c.post("/v1/tasks", task);
    // the answer repeats the whole task; the id, whether it is new, and its state are what a model needs
    return CanonicalJson.object().put("task_id", r.path("task_id").asText()).put("created", r.path("created").asBoolean())
        .put("state", r.path("state").asText());
  }
}
