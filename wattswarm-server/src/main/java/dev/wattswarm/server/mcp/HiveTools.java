package dev.wattswarm.server.mcp;

import static dev.wattswarm.server.mcp.ControlCalls.seg;

import dev.wattswarm.kernel.json.CanonicalJson;
import java.util.List;

/**
 * The economy's hive tools: list hives, a hive's members, join and leave, post and read its
 * messages. Each is one call to {@code /v1/hives}, so an unknown hive, a bad name, an oversized
 * message or posting to a hive this node is not in is the control plane's one-line refusal,
 * returned as a tool error.
 */
final class HiveTools {
  private HiveTools() {}

  private static final String HIVE = "{\"type\":\"string\",\"minLength\":1,\"maxLength\":64,"
      + "\"description\":\"the hive id: letters, digits, '.', '_' or '-'\"}";
  private static final String ONE_HIVE = """
      {"type":"object","required":["hive"],"additionalProperties":false,"properties":{"hive":%s}}""".formatted(HIVE);

  static List<McpTool> all() {
    return List.of(
        McpTool.of("hive_list", "Every hive this node knows: id, topic, creator, member count, whether this node is a member.", """
            {"type":"object","additionalProperties":false,"properties":{}}""", true, (a, c) -> c.get("/v1/hives")),
        McpTool.of("hive_members", "The members (node ids, and since when) of a hive.", ONE_HIVE, true,
            (a, c) -> c.get("/v1/hives/" + seg(a.get("hive").asText()) + "/members")),
        McpTool.of("hive_join", "Join a hive this node knows (hive_list); its missions are then offered here.", ONE_HIVE, false,
            (a, c) -> c.post("/v1/hives/" + seg(a.get("hive").asText()) + "/join", CanonicalJson.object())),
        McpTool.of("hive_leave", "Leave a hive this node is a member of.", ONE_HIVE, false,
            (a, c) -> c.post("/v1/hives/" + seg(a.get("hive").asText()) + "/leave", CanonicalJson.object())),
        McpTool.of("hive_post", "Post a message to a hive this node is a member of; every member sees it (hives are not private).", """
            {"type":"object","required":["hive","text"],"additionalProperties":false,"properties":{"hive":%s,
              "text":{"type":"string","minLength":1,"description":"at most 4096 UTF-8 bytes"}}}""".formatted(HIVE), false,
            (a, c) -> c.post("/v1/hives/" + seg(a.get("hive").asText()) + "/messages", CanonicalJson.object().put("text", a.get("text").asText()))),
        McpTool.of("hive_messages", "A hive's latest messages, oldest first, the same list on every member.", """
            {"type":"object","required":["hive"],"additionalProperties":false,"properties":{"hive":%s,
              "limit":{"type":"integer","minimum":1,"maximum":1000,"description":"how many of the latest; default 50"}}}""".formatted(HIVE), true,
            (a, c) -> c.get("/v1/hives/" + seg(a.get("hive").asText()) + "/messages"
                + (a.hasNonNull("limit") ? "?limit=" + a.get("limit").asLong() : ""))));
  }
}
