package dev.wattswarm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.server.NodeHost;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raw bytes on {@code wattswarm mcp}'s stdin: garbage does not end the session, and stdout carries only JSON-RPC. */
@org.junit.jupiter.api.Timeout(300)
class McpStdioInputTest {
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

  @Test
  void malformedLinesAreSkippedAndTheSessionGoesOn() throws Exception {
    Process p = new ProcessBuilder(NodeProcess.javaBin(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "--state-dir", dir.root().toString(), "mcp").redirectError(tmp.resolve("mcp.err").toFile()).start();
    try (OutputStream in = p.getOutputStream();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String lines = "this is not json\n"
          + "{\"jsonrpc\":\"2.0\",\"id\":\n"
          + "[1,2,3]\n"
          + "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
          + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}\n"
          + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
          + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"node_status\",\"arguments\":{}}}\n";
      in.write(lines.getBytes(StandardCharsets.UTF_8));
      in.flush();
      JsonNode status = null;
      java.util.List<Integer> errors = new java.util.ArrayList<>();
      for (String line; status == null && (line = out.readLine()) != null; ) {
        JsonNode m;
        try { m = CanonicalJson.MAPPER.readTree(line); } catch (Exception e) { throw new AssertionError("not JSON: " + line, e); }
        assertThat(m.path("jsonrpc").asText()).as(line).isEqualTo("2.0");
        if (m.has("error")) {
          assertThat(m.path("id").isNull()).as(line).isTrue();
          assertThat(m.path("error").path("message").asText()).as(line).doesNotContain("\n");
          errors.add(m.path("error").path("code").asInt());
        }
        if (m.path("id").asInt() == 2) status = m;
      }
      // each bad line answered with a JSON-RPC error: two parse errors, one batch
      assertThat(errors).containsExactly(-32700, -32700, -32600);
      assertThat(status).isNotNull();
      assertThat(status.path("result").path("structuredContent").path("node_id").asText()).isEqualTo(host.node().nodeId().toString());
    }
    // stdin closed: the server ends by itself
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
  }
}
