package dev.wattswarm.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.server.ApiException;
import dev.wattswarm.server.Request;
import dev.wattswarm.server.Router;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * MCP's streamable HTTP transport at {@code POST /mcp} on the control plane's JDK server, stateless:
 * each POST carries one JSON-RPC message; a request is answered with one {@code application/json}
 * response, a notification or response with 202. No session id is issued and there is no GET
 * stream (405), both of which the spec leaves to the server. The SDK's own HTTP transports need a
 * servlet container, so this class does the HTTP part and the SDK's stateless server the rest.
 * The bearer token is checked by the control server before this runs.
 */
public final class McpHttpEndpoint implements McpStatelessServerTransport, AutoCloseable {
  private final McpJsonMapper json = McpServers.json();
  private final String version;
  private volatile McpStatelessServerHandler handler;
  private volatile McpStatelessSyncServer server;
  private volatile boolean closing;

  public McpHttpEndpoint(String version) {
    this.version = version;
  }

  /** Starts serving once the control plane's own URL is known (tools call it). */
  public void start(ControlCalls control) {
    server = McpServers.stateless(control, this, version);
  }

  public void register(Router r) {
    r.post("/mcp", this::post);
  }

  @Override
  public void setMcpHandler(McpStatelessServerHandler handler) {
    this.handler = handler;
  }

  @Override
  public Mono<Void> closeGracefully() {
    return Mono.fromRunnable(() -> closing = true);
  }

  private Object post(Request req) throws IOException {
    HttpExchange ex = req.exchange();
    var h = ex.getRequestHeaders();
    McpStatelessServerHandler mcp = handler;
    if (closing || mcp == null) return error(ex, 503, null, McpSchema.ErrorCodes.INTERNAL_ERROR, "the MCP server is not running; retry shortly");
    String origin = h.getFirst("Origin");
    if (origin != null && !loopbackOrigin(origin)) {
      // a browser page from elsewhere (DNS rebinding) must not drive the node
      return error(ex, 403, null, McpSchema.ErrorCodes.INVALID_REQUEST, "Origin " + origin + " is not allowed; /mcp serves loopback clients only");
    }
    String pv = h.getFirst("MCP-Protocol-Version");
    if (pv != null && !protocolVersions().contains(pv)) {
      return error(ex, 400, null, McpSchema.ErrorCodes.INVALID_REQUEST,
          "unsupported MCP-Protocol-Version " + pv + "; supported: " + String.join(", ", protocolVersions()));
    }
    String accept = h.getFirst("Accept");
    if (accept != null && !acceptsJson(accept)) {
      return error(ex, 406, null, McpSchema.ErrorCodes.INVALID_REQUEST, "Accept must allow application/json (this server answers with JSON)");
    }
    String ct = h.getFirst("Content-Type");
    if (ct != null && !ct.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      return error(ex, 415, null, McpSchema.ErrorCodes.INVALID_REQUEST, "Content-Type must be application/json, got " + ct);
    }
    byte[] body;
    try {
      body = req.body();
    } catch (ApiException e) {
      return error(ex, e.status(), null, McpSchema.ErrorCodes.INVALID_REQUEST, e.getMessage());
    }
    JsonNode msg;
    try {
      msg = CanonicalJson.MAPPER.readTree(body);
    } catch (IOException e) {
      return error(ex, 400, null, McpSchema.ErrorCodes.PARSE_ERROR, "body is not JSON: " + oneLine(e.getMessage()));
    }
    if (msg == null || msg.isMissingNode()) return error(ex, 400, null, McpSchema.ErrorCodes.INVALID_REQUEST, "empty body; send one JSON-RPC message");
    if (msg.isArray()) {
      return error(ex, 400, null, McpSchema.ErrorCodes.INVALID_REQUEST, "JSON-RPC batches are not supported; send one message per POST");
    }
    JsonNode id = msg.isObject() ? msg.get("id") : null;
    if (!msg.isObject() || !"2.0".equals(msg.path("jsonrpc").asText(null))) {
      return error(ex, 400, id, McpSchema.ErrorCodes.INVALID_REQUEST, "not a JSON-RPC 2.0 message: send an object with \"jsonrpc\":\"2.0\"");
    }
    if (msg.has("method") && !msg.get("method").isTextual()) {
      return error(ex, 400, id, McpSchema.ErrorCodes.INVALID_REQUEST, "\"method\" must be a string");
    }
    McpSchema.JSONRPCMessage parsed;
    try {
      parsed = McpSchema.deserializeJsonRpcMessage(json, new String(body, StandardCharsets.UTF_8));
    } catch (IOException | IllegalArgumentException e) {
      return error(ex, 400, id, McpSchema.ErrorCodes.INVALID_REQUEST, "not a JSON-RPC request, notification or response: " + oneLine(e.getMessage()));
    }
    McpTransportContext ctx = McpTransportContext.create(Map.of());
    if (parsed instanceof McpSchema.JSONRPCRequest r) {
      McpSchema.JSONRPCResponse resp = mcp.handleRequest(ctx, r).contextWrite(c -> c.put(McpTransportContext.KEY, ctx)).block();
      write(ex, 200, json.writeValueAsString(resp).getBytes(StandardCharsets.UTF_8));
    } else if (parsed instanceof McpSchema.JSONRPCNotification n) {
      mcp.handleNotification(ctx, n).contextWrite(c -> c.put(McpTransportContext.KEY, ctx)).block();
      ex.sendResponseHeaders(202, -1);
    } else {
      // a response to a server request; this server sends none, so there is nothing to match
      ex.sendResponseHeaders(202, -1);
    }
    return null;
  }

  private static boolean loopbackOrigin(String origin) {
    try {
      String host = URI.create(origin).getHost();
      return host != null && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1"));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean acceptsJson(String accept) {
    String a = accept.toLowerCase(Locale.ROOT);
    return a.contains("application/json") || a.contains("application/*") || a.contains("*/*");
  }

  private static String oneLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static Object error(HttpExchange ex, int status, JsonNode id, int code, String message) throws IOException {
    ObjectNode o = CanonicalJson.object().put("jsonrpc", "2.0");
    if (id == null || !(id.isTextual() || id.isIntegralNumber())) o.putNull("id");
    else o.set("id", id);
    o.putObject("error").put("code", code).put("message", message);
    write(ex, status, CanonicalJson.MAPPER.writeValueAsBytes(o));
    return null;
  }

  private static void write(HttpExchange ex, int status, byte[] bytes) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    // the SDK server closes its transport (this) when closed: only the first call goes on
    if (closing) return;
    closing = true;
    McpStatelessSyncServer s = server;
    if (s != null) s.close();
  }
}
