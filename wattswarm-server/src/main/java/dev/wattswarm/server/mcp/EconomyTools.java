package dev.wattswarm.server.mcp;

import static dev.wattswarm.server.mcp.ControlCalls.query;
import static dev.wattswarm.server.mcp.ControlCalls.seg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.util.List;
import java.util.UUID;

/**
 * Tools for the economy: watt (balance, transfer, history), missions (post, show, list, cancel),
 * the service market and oracle feeds. Each is one call to {@code /v1/watt}, {@code /v1/missions},
 * {@code /v1/services} or {@code /v1/oracles}, so a short balance, a bad amount or an unknown
 * mission is the control plane's own one-line refusal, returned as a tool error.
 */
final class EconomyTools {
  private EconomyTools() {}

  /** Amounts are whole watt; the node also caps them at 2^53 and says so. */
  private static final String AMOUNT = "{\"type\":\"integer\",\"minimum\":1,\"description\":\"whole watt, at least 1\"}";
  private static final String ID = "{\"type\":\"string\",\"minLength\":1,\"maxLength\":128}";

  static List<McpTool> all() {
    return List.of(
        McpTool.of("watt_balance", "The watt balance of an account (a node id or agent id); this node's own account when left out.", """
            {"type":"object","additionalProperties":false,"properties":{
              "account":{"type":"string","minLength":1,"description":"node id, agent id, or treasury; default this node"}}}""", true,
            (a, c) -> c.get(a.hasNonNull("account") ? "/v1/watt/balance/" + seg(a.get("account").asText()) : "/v1/watt/balance")),
        McpTool.of("watt_transfer", "Pay watt from this node (or one of its agents) to another account. Refused when the balance is short.", """
            {"type":"object","required":["to","amount"],"additionalProperties":false,"properties":{
              "to":{"type":"string","minLength":1,"description":"the account to pay: a node id or agent id"},
              "amount":%s,
              "from":{"type":"string","minLength":1,"description":"name of a local agent paying from its own account; default this node"}}}"""
            .formatted(AMOUNT), false, (a, c) -> c.post("/v1/watt/transfer", a)),
        McpTool.of("watt_history", "Recent ledger operations (mints, transfers, escrows, payouts) of an account, newest last.", """
            {"type":"object","additionalProperties":false,"properties":{
              "account":{"type":"string","minLength":1,"description":"default this node"},
              "limit":{"type":"integer","minimum":1,"maximum":10000}}}""", true,
            (a, c) -> c.get("/v1/watt/history" + query(a, "account", "limit"))),
        McpTool.of("missions_post", "Post a mission: a swarm task with a watt reward escrowed from this node at once and paid to the "
            + "executor whose result is finalized. Watch it with missions_show.", """
            {"type":"object","required":["prompt","reward"],"additionalProperties":false,"properties":{
              "prompt":{"type":"string","minLength":1,"description":"what to do"},
              "reward":%s,
              "task_id":{"type":"string","minLength":1,"maxLength":128,"description":"the mission's id (idempotency key); a new one when left out"},
              "task_type":{"type":"string","description":"default swarm"},
              "capability":{"type":"string","description":"only executors with this capability may run it"},
              "hive":{"type":"string","minLength":1,"maxLength":64,"description":"a hive this node is in: only its members take the mission"},
              "from":{"type":"string","minLength":1,"description":"name of a local agent that posts and pays"}}}""".formatted(AMOUNT), false,
            EconomyTools::post),
        McpTool.of("missions_show", "One mission: state (open, claimed, completed, settled, cancelled, expired), reward, poster, winner, payouts.", """
            {"type":"object","required":["task_id"],"additionalProperties":false,"properties":{"task_id":%s}}""".formatted(ID), true,
            (a, c) -> c.get("/v1/missions/" + seg(a.get("task_id").asText()))),
        McpTool.of("missions_list", "Missions this node knows, optionally in one state.", """
            {"type":"object","additionalProperties":false,"properties":{
              "state":{"type":"string","enum":["open","claimed","completed","settled","cancelled","expired"]},
              "limit":{"type":"integer","minimum":1,"maximum":1000}}}""", true,
            (a, c) -> c.get("/v1/missions" + query(a, "state", "limit"))),
        McpTool.of("missions_cancel", "Cancel an open mission this node posted; its reward is refunded.", """
            {"type":"object","required":["task_id"],"additionalProperties":false,"properties":{"task_id":%s}}""".formatted(ID), false,
            (a, c) -> c.post("/v1/missions/" + seg(a.get("task_id").asText()) + "/cancel", CanonicalJson.object())),
        McpTool.of("market_list", "Services on the market (ServiceNet): capability, provider and price per call.", """
            {"type":"object","additionalProperties":false,"properties":{"capability":{"type":"string","minLength":1}}}""", true,
            (a, c) -> c.get("/v1/services" + query(a, "capability"))),
        McpTool.of("market_call", "Call the cheapest service offering a capability at no more than max_price; pays on a signed receipt.", """
            {"type":"object","required":["capability","request","max_price"],"additionalProperties":false,"properties":{
              "capability":{"type":"string","minLength":1},
              "request":{"description":"the JSON to send the provider"},
              "max_price":%s}}""".formatted(AMOUNT), false,
            (a, c) -> c.post("/v1/services/call", a)),
        McpTool.of("oracle_read", "The latest signed value of an oracle feed (subscribe first for a paid feed).", """
            {"type":"object","required":["feed"],"additionalProperties":false,"properties":{"feed":%s}}""".formatted(ID), true,
            (a, c) -> c.get("/v1/oracles/" + seg(a.get("feed").asText()))));
  }

  private static JsonNode post(JsonNode a, ControlCalls c) {
    ObjectNode m = CanonicalJson.object();
    m.put("task_id", a.hasNonNull("task_id") ? a.get("task_id").asText() : "mcp-m-" + UUID.randomUUID());
    m.put("task_type", a.path("task_type").asText("swarm"));
    m.putObject("inputs").put("prompt", a.path("prompt").asText());
    m.set("reward", a.get("reward"));
    if (a.hasNonNull("capability")) m.put("capability", a.get("capability").asText());
    if (a.hasNonNull("from")) m.put("from", a.get("from").asText());
    if (a.hasNonNull("hive")) m.put("hive", a.get("hive").asText());
    return c.post("/v1/missions", m);
  }
}
