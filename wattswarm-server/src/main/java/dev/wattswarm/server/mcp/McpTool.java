package dev.wattswarm.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;

/**
 * One MCP tool: its name, what it does (the model reads this), the JSON Schema of its arguments,
 * and what it does with them through the control plane. Both transports serve the same tools.
 *
 * @param readOnly whether the tool only reads (a hint clients use to skip confirmation)
 */
public record McpTool(String name, String description, ObjectNode inputSchema, boolean readOnly, Handler handler) {
  @FunctionalInterface
  public interface Handler {
    /** @throws IllegalArgumentException for arguments the schema could not rule out, with what to send instead */
    JsonNode call(JsonNode args, ControlCalls control);
  }

  /** @param schemaJson the arguments' JSON Schema as text (an object schema) */
  public static McpTool of(String name, String description, String schemaJson, boolean readOnly, Handler handler) {
    JsonNode s = CanonicalJson.MAPPER.valueToTree(parse(schemaJson));
    if (!s.isObject() || !"object".equals(s.path("type").asText())) throw new IllegalArgumentException(name + ": schema must be an object schema");
    return new McpTool(name, description, (ObjectNode) s, readOnly, handler);
  }

  private static JsonNode parse(String json) {
    try {
      return CanonicalJson.MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("bad schema: " + e.getMessage(), e);
    }
  }
}
