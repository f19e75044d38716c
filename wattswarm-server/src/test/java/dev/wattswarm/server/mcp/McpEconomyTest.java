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
import java.net.http.HttpRequest;
import java.nio.file.Files;
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

/**
 * The economy's MCP tools on a local node (its own genesis: 1,000,000 watt), from the official
 * Java SDK and from the official TypeScript client: a mission posted, settled and paid, and every
 * refusal (short balance, bad amount, unknown mission, wrong state) a tool error with the reason.
 */
@org.junit.jupiter.api.Timeout(300)
class McpEconomyTest {
  @TempDir Path tmp;
  NodeHost host;
  String token;
  McpSyncClient client;

  @BeforeEach
  void start() throws Exception {
    StateDir dir = new StateDir(tmp.resolve("n"));
    host = NodeHost.start(NodeConfig.local(dir.root()), dir, Clock.systemUTC(), new SecureRandom(),
        NodeHost.Options.defaults().withAgents(List.of(dev.wattswarm.agents.AgentSpec.parse("helper:worker:echo"))));
    token = dir.readToken();
    var transport = HttpClientStreamableHttpTransport.builder(host.controlUrl()).endpoint("/mcp")
        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token)).build();
    client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60)).build();
    client.initialize();
  }

  @AfterEach
  void stop() {
    if (client != null) client.closeGracefully();
    if (host != null) host.close();
  }

  McpSchema.CallToolResult call(String tool, Map<String, Object> args) {
    return client.callTool(new McpSchema.CallToolRequest(tool, args));
  }

  JsonNode ok(String tool, Map<String, Object> args) {
    var r = call(tool, args);
    assertThat(r.isError()).as("%s %s: %s", tool, args, McpHttpTest.text(r)).isFalse();
    return McpHttpTest.structured(r);
  }

  String refused(String tool, Map<String, Object> args) {
    try {
      var r = call(tool, args);
      assertThat(r.isError()).as("%s %s was not refused: %s", tool, args, McpHttpTest.text(r)).isTrue();
      return McpHttpTest.text(r);
    } catch (io.modelcontextprotocol.spec.McpError e) {
      return e.getMessage(); // the SDK's own schema check, before the tool runs
    }
  }

  @Test
  void aMissionIsPostedSettledAndPaidThroughTheTools() {
    String me = host.node().nodeId().toString();
    List<String> names = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    assertThat(names).contains("watt_balance", "watt_transfer", "watt_history", "missions_post", "missions_show", "missions_list",
        "missions_cancel", "market_list", "market_call", "oracle_read");
    assertThat(ok("watt_balance", Map.of()).path("balance").asLong()).isEqualTo(1_000_000);

    JsonNode posted = ok("missions_post", Map.of("task_id", "mcp-m1", "prompt", "count the words please", "reward", 300));
    assertThat(posted.path("reward").asLong()).isEqualTo(300);
    // (the echo executor may settle it before the next call: the escrow itself is the ledger's to test)
    await().atMost(60, TimeUnit.SECONDS).until(() -> ok("missions_show", Map.of("task_id", "mcp-m1")).path("state").asText().equals("settled"));
    JsonNode m = ok("missions_show", Map.of("task_id", "mcp-m1"));
    assertThat(m.path("fee").asLong()).isEqualTo(3); // 1 % of 300
    assertThat(m.path("winner").asText()).isEqualTo(me);
    assertThat(m.path("poster").asText()).isEqualTo(me);
    // the winner is this node, so only the treasury's fee has left its account
    assertThat(ok("watt_balance", Map.of()).path("balance").asLong()).isEqualTo(1_000_000 - m.path("fee").asLong());
    assertThat(ok("missions_list", Map.of("state", "settled")).path("missions").get(0).path("mission").asText()).isEqualTo("mcp-m1");
    assertThat(ok("watt_history", Map.of("limit", 10)).path("history").size()).isGreaterThanOrEqualTo(3);
    assertThat(ok("market_list", Map.of()).path("services").isArray()).isTrue();

    assertThat(refused("missions_cancel", Map.of("task_id", "mcp-m1"))).contains("HTTP 409");
    assertThat(refused("missions_show", Map.of("task_id", "no-such-mission"))).contains("no-such-mission").contains("HTTP 404");
    assertThat(refused("missions_post", Map.of("prompt", "too dear", "reward", 5_000_000))).contains("insufficient funds").contains("HTTP 402");
    String agent = host.agents().localAgents().get(0).id();
    assertThat(refused("watt_transfer", Map.of("to", agent, "amount", 5_000_000))).contains("insufficient funds");
    assertThat(refused("watt_transfer", Map.of("to", agent, "amount", 0))).isNotBlank();
    assertThat(refused("watt_transfer", Map.of("to", agent, "amount", 1L << 60))).contains("2^53").contains("HTTP 400");
    assertThat(refused("watt_transfer", Map.of("to", "nobody", "amount", 5))).contains("not a node id");
    assertThat(refused("oracle_read", Map.of("feed", "nope"))).contains("HTTP 404");
    assertThat(refused("market_call", Map.of("capability", "nothing-offers-this", "request", Map.of(), "max_price", 3))).contains("HTTP 404");
    // none of the refusals moved a watt
    assertThat(ok("watt_balance", Map.of()).path("balance").asLong()).isEqualTo(1_000_000 - m.path("fee").asLong());
  }

  @Test
  void theOfficialTypeScriptClientPostsAndWatchesAMission() throws Exception {
    Path dir = dev.wattswarm.testkit.NpmClients.ensure("@modelcontextprotocol/sdk");
    Path log = tmp.resolve("ts.log");
    Process p = new ProcessBuilder("node", "mcp-economy.mjs", host.controlUrl(), token, "ts-m1").directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the TypeScript MCP client did not finish: " + Files.readString(log));
    }
    String output = Files.readString(log);
    assertThat(p.exitValue()).as(output).isZero();
    JsonNode out = CanonicalJson.parse(output.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
    assertThat(out.path("failures")).as(output).isEmpty();
    assertThat(out.path("balance_before").asLong()).isEqualTo(1_000_000);
    assertThat(out.path("mission").path("state").asText()).isEqualTo("settled");
    assertThat(out.path("balance_after").asLong()).isEqualTo(1_000_000 - out.path("mission").path("fee").asLong());
    assertThat(out.path("short_balance").asText()).contains("insufficient funds");
    assertThat(out.path("unknown_mission").asText()).contains("HTTP 404");
    assertThat(out.path("bad_amount").asText()).isNotBlank();
  }
}
