package dev.wattswarm.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.server.NodeHost;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hive tools from the official Java SDK over {@code /mcp}: a hive created over REST is listed,
 * its members shown, messages posted and read back in order; every refusal (unknown hive, bad
 * name, oversized or empty text, posting after leaving) a tool error with the node's reason.
 */
@org.junit.jupiter.api.Timeout(300)
class McpHiveTest {
  @TempDir Path tmp;
  NodeHost host;
  McpSyncClient client;

  @BeforeEach
  void start() throws Exception {
    StateDir dir = new StateDir(tmp.resolve("n"));
    host = NodeHost.start(NodeConfig.local(dir.root()), dir, Clock.systemUTC(), new SecureRandom());
    var transport = HttpClientStreamableHttpTransport.builder(host.controlUrl()).endpoint("/mcp")
        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + dir.readToken())).build();
    client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60)).build();
    client.initialize();
  }

  @AfterEach
  void stop() {
    if (client != null) client.closeGracefully();
    if (host != null) host.close();
  }

  JsonNode ok(String tool, Map<String, Object> args) {
    var r = client.callTool(new McpSchema.CallToolRequest(tool, args));
    assertThat(r.isError()).as("%s %s: %s", tool, args, McpHttpTest.text(r)).isFalse();
    return McpHttpTest.structured(r);
  }

  String refused(String tool, Map<String, Object> args) {
    try {
      var r = client.callTool(new McpSchema.CallToolRequest(tool, args));
      assertThat(r.isError()).as("%s %s was not refused: %s", tool, args, McpHttpTest.text(r)).isTrue();
      return McpHttpTest.text(r);
    } catch (io.modelcontextprotocol.spec.McpError e) {
      return e.getMessage(); // the SDK's own schema check, before the tool runs
    }
  }

  @Test
  void hivesMembersAndMessagesThroughTheTools() {
    String me = host.node().nodeId().toString();
    List<String> names = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    assertThat(names).contains("hive_list", "hive_members", "hive_join", "hive_leave", "hive_post", "hive_messages");
    assertThat(ok("hive_list", Map.of()).path("hives")).isEmpty();
    host.economy().hives().create("lab", "measurements");

    JsonNode list = ok("hive_list", Map.of());
    assertThat(list.path("hives")).hasSize(1);
    assertThat(list.path("hives").get(0).path("topic").asText()).isEqualTo("measurements");
    assertThat(ok("hive_members", Map.of("hive", "lab")).path("members").get(0).path("node").asText()).isEqualTo(me);
    assertThat(ok("hive_join", Map.of("hive", "lab")).path("changed").asBoolean()).isFalse();

    JsonNode posted = ok("hive_post", Map.of("hive", "lab", "text", "first"));
    assertThat(posted.path("from").asText()).isEqualTo(me);
    ok("hive_post", Map.of("hive", "lab", "text", "second"));
    JsonNode msgs = ok("hive_messages", Map.of("hive", "lab")).path("messages");
    assertThat(msgs).hasSize(2);
    assertThat(msgs.get(0).path("text").asText()).isEqualTo("first");
    assertThat(msgs.get(0).path("event_id").asText()).isEqualTo(posted.path("event_id").asText());
    assertThat(ok("hive_messages", Map.of("hive", "lab", "limit", 1)).path("messages").get(0).path("text").asText()).isEqualTo("second");

    assertThat(refused("hive_members", Map.of("hive", "nope"))).contains("unknown hive nope").contains("HTTP 404");
    assertThat(refused("hive_post", Map.of("hive", "nope", "text", "x"))).contains("unknown hive nope");
    assertThat(refused("hive_post", Map.of("hive", "bad id!", "text", "x"))).contains("bad hive name").contains("HTTP 400");
    assertThat(refused("hive_post", Map.of("hive", "lab", "text", "y".repeat(4097)))).contains("at most 4096").contains("HTTP 400");
    assertThat(refused("hive_post", Map.of("hive", "lab", "text", ""))).isNotBlank();
    assertThat(refused("hive_messages", Map.of("hive", "lab", "limit", 0))).isNotBlank();
    ok("hive_leave", Map.of("hive", "lab"));
    assertThat(refused("hive_post", Map.of("hive", "lab", "text", "still here?"))).contains("not a member of hive lab").contains("HTTP 409");
    assertThat(refused("hive_leave", Map.of("hive", "lab"))).contains("not a member of hive lab");
    // none of the refusals posted anything
    assertThat(ok("hive_messages", Map.of("hive", "lab")).path("messages")).hasSize(2);
  }
}
