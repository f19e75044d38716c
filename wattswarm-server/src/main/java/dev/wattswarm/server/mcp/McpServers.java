package dev.wattswarm.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/** The MCP server, built with the official Java SDK, over stdio or over our HTTP transport. */
public final class McpServers {
  static final String NAME = "wattswarm";
  static final String INSTRUCTIONS = "Tools for one wattswarm node: submit and follow tasks, talk to agents, see the node and its peers.";

  private McpServers() {}

  public static McpJsonMapper json() {
    return McpJsonDefaults.getMapper();
  }

  /** Serves one client on {@code in}/{@code out} until {@code in} ends. */
  public static McpSyncServer stdio(ControlCalls control, InputStream in, OutputStream out, String version) {
    List<McpServerFeatures.SyncToolSpecification> specs = McpCatalog.tools().stream()
        .map(t -> new McpServerFeatures.SyncToolSpecification(describe(t), (ex, req) -> call(t, req.arguments(), control)))
        .toList();
    return McpServer.sync(new StdioServerTransportProvider(json(), in, out)).serverInfo(NAME, version).instructions(INSTRUCTIONS)
        .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build()).tools(specs).build();
  }

  /** A server without sessions: every HTTP request stands alone, which is all these tools need. */
  public static McpStatelessSyncServer stateless(ControlCalls control, McpStatelessServerTransport transport, String version) {
    List<McpStatelessServerFeatures.SyncToolSpecification> specs = McpCatalog.tools().stream()
        .map(t -> new McpStatelessServerFeatures.SyncToolSpecification(describe(t), (ctx, req) -> call(t, req.arguments(), control)))
        .toList();
    // immediate: a tool runs on the exchange's own virtual thread, not on one of Reactor's platform threads
    return McpServer.sync(transport).serverInfo(NAME, version).instructions(INSTRUCTIONS).immediateExecution(true)
        .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build()).tools(specs).build();
  }

  @SuppressWarnings("unchecked")
  private static McpSchema.Tool describe(McpTool t) {
    return McpSchema.Tool.builder().name(t.name()).description(t.description())
        .inputSchema(CanonicalJson.MAPPER.convertValue(t.inputSchema(), Map.class))
        .annotations(McpSchema.ToolAnnotations.builder().readOnlyHint(t.readOnly()).openWorldHint(false).build()).build();
  }

  /**
   * Runs a tool. What the node refuses (bad arguments, no such task, a conflict) comes back as a
   * tool error with the control plane's one-line reason, so the model can correct itself.
   */
  @SuppressWarnings("unchecked")
  static McpSchema.CallToolResult call(McpTool t, Map<String, Object> arguments, ControlCalls control) {
    JsonNode args = arguments == null ? CanonicalJson.object() : CanonicalJson.MAPPER.valueToTree(arguments);
    try {
      JsonNode out = t.handler().call(args, control);
      JsonNode structured = out.isObject() ? out : CanonicalJson.object().set("result", out);
      return McpSchema.CallToolResult.builder()
          .addTextContent(CanonicalJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out))
          .structuredContent(CanonicalJson.MAPPER.convertValue(structured, Map.class)).isError(false).build();
    } catch (ControlCalls.Failure e) {
      return error(t.name() + ": " + e.getMessage() + " (HTTP " + e.status() + ")");
    } catch (IllegalArgumentException e) {
      return error(t.name() + ": " + e.getMessage());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return error(t.name() + ": could not encode the answer: " + e.getOriginalMessage());
    }
  }

  private static McpSchema.CallToolResult error(String message) {
    return McpSchema.CallToolResult.builder().addTextContent(message).isError(true).build();
  }
}
