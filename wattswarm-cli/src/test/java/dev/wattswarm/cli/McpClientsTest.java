package dev.wattswarm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.server.NodeHost;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wattswarm mcp} (stdio) and {@code /mcp} (streamable HTTP) driven by the official clients:
 * the Java SDK's, and the TypeScript SDK's from npm (test-clients/, installed by `npm ci`).
 */
@org.junit.jupiter.api.Timeout(300)
class McpClientsTest {
  static final Path CLIENTS = dev.wattswarm.testkit.NpmClients.dir();

  @TempDir Path tmp;
  NodeHost host;
  StateDir dir;

  @BeforeEach
  void start() throws Exception {
    dir = new StateDir(tmp.resolve("n"));
    host = NodeHost.start(NodeConfig.local(dir.root()), dir, Clock.systemUTC(), new SecureRandom());
  }

  @AfterEach
  void stop() {
    if (host != null) host.close();
  }

  /** The CLI's own `mcp` command in a JVM of its own, as an LLM client would launch it. */
  List<String> mcpCommand() {
    return List.of(NodeProcess.javaBin(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "--state-dir", dir.root().toString(), "mcp");
  }

  @Test
  void javaSdkClientOverStdio() {
    List<String> cmd = mcpCommand();
    var params = ServerParameters.builder(cmd.get(0)).args(cmd.subList(1, cmd.size())).build();
    var client = McpClient.sync(new StdioClientTransport(params, McpJsonDefaults.getMapper())).requestTimeout(Duration.ofSeconds(60)).build();
    try {
      assertThat(client.initialize().serverInfo().name()).isEqualTo("wattswarm");
      assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).contains("node_status", "tasks_submit", "agents_request");
      var status = client.callTool(new McpSchema.CallToolRequest("node_status", Map.of()));
      assertThat(status.isError()).isFalse();
      JsonNode s = CanonicalJson.MAPPER.valueToTree(status.structuredContent());
      assertThat(s.path("node_id").asText()).isEqualTo(host.node().nodeId().toString());
    } finally {
      client.closeGracefully();
    }
  }

  @Test
  void typescriptSdkClientOverStdio() throws Exception {
    List<String> args = new ArrayList<>(List.of("stdio"));
    args.addAll(mcpCommand());
    JsonNode out = runTsClient(args);
    assertThat(out.path("node_id").asText()).isEqualTo(host.node().nodeId().toString());
    assertThat(out.path("task_state").asText()).isEqualTo("finalized");
  }

  @Test
  void typescriptSdkClientOverStreamableHttp() throws Exception {
    JsonNode out = runTsClient(List.of("http", host.controlUrl(), dir.readToken()));
    assertThat(out.path("server").asText()).isEqualTo("wattswarm");
    assertThat(out.path("node_id").asText()).isEqualTo(host.node().nodeId().toString());
    assertThat(out.path("unknown_tool").asText()).containsIgnoringCase("unknown tool");
  }

  @Test
  void theTypescriptClientIsRefusedWithoutTheToken() throws Exception {
    ProcessResult r = node(List.of("http", host.controlUrl(), "not-the-token"));
    assertThat(r.exit).isNotZero();
    assertThat(r.output).contains("401");
  }

  @Test
  void mcpWithoutARunningNodeSaysWhatToDo() {
    Cli r = Cli.run("--state-dir", tmp.resolve("empty").toString(), "mcp");
    assertThat(r.exit()).isEqualTo(CliException.NOT_RUNNING);
    assertThat(r.err().strip()).startsWith("error: no node is running").contains("node up").doesNotContain("\n");
  }

  record ProcessResult(int exit, String output) {}

  ProcessResult node(List<String> args) throws Exception {
    dev.wattswarm.testkit.NpmClients.ensure("@modelcontextprotocol/sdk");
    List<String> cmd = new ArrayList<>(List.of("node", "mcp-check.mjs"));
    cmd.addAll(args);
    Path log = tmp.resolve("node-" + System.nanoTime() + ".log");
    Process p = new ProcessBuilder(cmd).directory(CLIENTS.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the TypeScript MCP client did not finish: " + Files.readString(log));
    }
    return new ProcessResult(p.exitValue(), Files.readString(log));
  }

  JsonNode runTsClient(List<String> args) throws Exception {
    ProcessResult r = node(args);
    assertThat(r.exit).as(r.output).isZero();
    String last = r.output.lines().filter(l -> l.startsWith("{\"mode\"")).reduce((a, b) -> b).orElseThrow(() -> new AssertionError(r.output));
    JsonNode out = CanonicalJson.MAPPER.readTree(last);
    assertThat(out.path("failures")).as(r.output).isEmpty();
    assertThat(out.path("names").size()).isGreaterThanOrEqualTo(8);
    assertThat(out.path("bad_args").asText()).isNotEmpty();
    return out;
  }
}
