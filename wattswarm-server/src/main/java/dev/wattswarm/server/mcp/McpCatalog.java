package dev.wattswarm.server.mcp;

import java.util.ArrayList;
import java.util.List;

/**
 * Every tool the MCP server offers, on stdio and on {@code /mcp} alike. A domain adds its tools
 * with one line here (economy, missions, ... as they land).
 */
public final class McpCatalog {
  private McpCatalog() {}

  public static List<McpTool> tools() {
    List<McpTool> tools = new ArrayList<>();
    tools.addAll(SwarmTools.all());
    tools.addAll(EconomyTools.all());
    tools.addAll(HiveTools.all());
    return List.copyOf(tools);
  }
}
