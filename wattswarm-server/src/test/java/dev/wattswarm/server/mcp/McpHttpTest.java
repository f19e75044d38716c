package dev.wattswarm.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.server.NodeHost;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /mcp} with the official Java SDK's streamable HTTP client, and with bad requests over raw HTTP. */
@org.junit.jupiter.api.Timeout(300)
class McpHttpTest {
  @TempDir Path tmp;
  NodeHost host;
  String token;
  McpSyncClient client;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    StateDir dir = new StateDir(tmp.resolve("n"));
    host = NodeHost.start(NodeConfig.local(dir.root()), dir, Clock.systemUTC(), new SecureRandom(),
        NodeHost.Options.defaults().withAgents(List.of(dev.wattswarm.agents.AgentSpec.parse("helper:worker:echo"))));
    token = dir.readToken();
    var transport = HttpClientStreamableHttpTransport.builder(host.controlUrl()).endpoint("/mcp")
        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token)).build();
    client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60)).build();
  }

  @AfterEach
  void stop() {
    if (client != null) client.closeGracefully();
    if (host != null) host.close();
  }

  static JsonNode structured(McpSchema.CallToolResult r) {
    return CanonicalJson.MAPPER.valueToTree(r.structuredContent());
  }

  static String text(McpSchema.CallToolResult r) {
    return ((McpSchema.TextContent) r.content().get(0)).text();
  }

  McpSchema.CallToolResult call(String tool, Map<String, Object> args) {
    return client.callTool(new McpSchema.CallToolRequest(tool, args));
  }

  @Test
  void theSdkClientListsToolsAndRunsATaskThroughThem() {
    var init = client.initialize();
    assertThat(init.serverInfo().name()).isEqualTo("wattswarm");
    List<String> names = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    assertThat(names).contains("node_status", "peers_list", "tasks_submit", "tasks_show", "tasks_list", "tasks_cancel",
        "agents_list", "agents_request");

    var status = call("node_status", Map.of());
    assertThat(status.isError()).isFalse();
    assertThat(structured(status).path("node_id").asText()).isEqualTo(host.node().nodeId().toString());

    var submitted = call("tasks_submit", Map.of("task_id", "mcp-1", "prompt", "count the words please"));
    assertThat(submitted.isError()).as(text(submitted)).isFalse();
    assertThat(structured(submitted).path("created").asBoolean()).isTrue();
    await().atMost(60, TimeUnit.SECONDS).until(() -> structured(call("tasks_show", Map.of("task_id", "mcp-1"))).path("state").asText().equals("finalized"));
    var listed = call("tasks_list", Map.of("state", "finalized"));
    assertThat(structured(listed).path("tasks").get(0).path("task_id").asText()).isEqualTo("mcp-1");

    // what the node refuses comes back as a tool error with its reason
    var cancel = call("tasks_cancel", Map.of("task_id", "mcp-1"));
    assertThat(cancel.isError()).isTrue();
    assertThat(text(cancel)).contains("finalized").contains("HTTP 409");
    var missing = call("tasks_show", Map.of("task_id", "no-such-task"));
    assertThat(missing.isError()).isTrue();
    assertThat(text(missing)).contains("no task no-such-task").contains("HTTP 404");
    assertThat(structured(call("agents_list", Map.of("capability", "echo"))).path("agents").get(0).path("name").asText()).isEqualTo("helper");
    var reply = call("agents_request", Map.of("target", "echo", "body", Map.of("text", "hello over mcp")));
    assertThat(reply.isError()).as(text(reply)).isFalse();
    assertThat(structured(reply).path("agent_name").asText()).isEqualTo("helper");
    assertThat(structured(reply).path("reply").path("role").asText()).isEqualTo("worker");
    // (a target nobody offers falls back to a local worker by design, so no refusal to see there)
    var noBody = call("agents_request", Map.of("target", "echo"));
    assertThat(noBody.isError()).as(text(noBody)).isTrue();
    assertThat(structured(call("peers_list", Map.of())).path("peers").isArray()).isTrue();
  }

  @Test
  void unknownToolsAndBadArgumentsAreRefused() {
    client.initialize();
    McpSchema.CallToolResult unknown;
    try {
      unknown = call("no_such_tool", Map.of());
    } catch (io.modelcontextprotocol.spec.McpError e) {
      assertThat(e.getMessage()).contains("Unknown tool");
      unknown = null;
    }
    if (unknown != null) assertThat(unknown.isError()).isTrue();
    // a required argument left out, a wrong type, an unknown argument: each refused before the node sees it
    for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of(), Map.of("task_id", 42), Map.of("task_id", "x", "extra", true))) {
      McpSchema.CallToolResult r;
      try {
        r = call("tasks_show", bad);
      } catch (io.modelcontextprotocol.spec.McpError e) {
        assertThat(e.getMessage()).as("tasks_show %s", bad).isNotBlank();
        continue;
      }
      assertThat(r.isError()).as("tasks_show %s", bad).isTrue();
      assertThat(text(r)).as("tasks_show %s", bad).doesNotContain("HTTP 404").containsIgnoringCase("valid");
    }
    var badEnum = call("tasks_list", Map.of("state", "sideways"));
    assertThat(badEnum.isError()).isTrue();
  }

  HttpResponse<String> post(String body, Map<String, String> headers) throws Exception {
    var b = HttpRequest.newBuilder(URI.create(host.controlUrl() + "/mcp")).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  Map<String, String> auth() {
    return Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json", "Accept", "application/json, text/event-stream");
  }

  static int rpcCode(HttpResponse<String> r) {
    return CanonicalJson.parse(r.body()).path("error").path("code").asInt();
  }

  @Test
  void badRequestsGetOneLineJsonRpcErrors() throws Exception {
    String list = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";
    assertThat(post(list, Map.of()).statusCode()).isEqualTo(401);
    assertThat(post(list, Map.of("Authorization", "Bearer wrong")).statusCode()).isEqualTo(401);
    var ok = post(list, auth());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(CanonicalJson.parse(ok.body()).path("result").path("tools").size()).isGreaterThanOrEqualTo(8);

    var malformed = post("{\"jsonrpc\":\"2.0\",\"id\":", auth());
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(rpcCode(malformed)).isEqualTo(-32700);
    assertThat(malformed.body()).doesNotContain("\tat ");
    var batch = post("[" + list + "]", auth());
    assertThat(batch.statusCode()).isEqualTo(400);
    assertThat(rpcCode(batch)).isEqualTo(-32600);
    var notRpc = post("{\"id\":1,\"method\":\"tools/list\"}", auth());
    assertThat(notRpc.statusCode()).isEqualTo(400);
    assertThat(CanonicalJson.parse(notRpc.body()).path("id").asInt()).isEqualTo(1);
    assertThat(rpcCode(post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":7}", auth()))).isEqualTo(-32600);
    var unknownMethod = post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"no/such\"}", auth());
    assertThat(rpcCode(unknownMethod)).isEqualTo(-32601);

    String big = "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\",\"params\":{\"pad\":\"" + "x".repeat(1 << 20) + "\"}}";
    assertThat(post(big, auth()).statusCode()).isEqualTo(413);
    var withOrigin = new java.util.HashMap<>(auth());
    withOrigin.put("Origin", "http://evil.example");
    assertThat(post(list, withOrigin).statusCode()).isEqualTo(403);
    withOrigin.put("Origin", "http://localhost:3000");
    assertThat(post(list, withOrigin).statusCode()).isEqualTo(200);
    var oldVersion = new java.util.HashMap<>(auth());
    oldVersion.put("MCP-Protocol-Version", "1999-01-01");
    assertThat(post(list, oldVersion).statusCode()).isEqualTo(400);
    var xml = new java.util.HashMap<>(auth());
    xml.put("Content-Type", "text/xml");
    assertThat(post(list, xml).statusCode()).isEqualTo(415);
    var html = new java.util.HashMap<>(auth());
    html.put("Accept", "text/html");
    assertThat(post(list, html).statusCode()).isEqualTo(406);

    // a notification is accepted without an answer; there is no GET stream
    assertThat(post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", auth()).statusCode()).isEqualTo(202);
    var get = http.send(HttpRequest.newBuilder(URI.create(host.controlUrl() + "/mcp")).header("Authorization", "Bearer " + token)
        .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
  }
}
