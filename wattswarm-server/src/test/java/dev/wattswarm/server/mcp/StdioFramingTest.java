package dev.wattswarm.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Only whole JSON-RPC 2.0 messages reach the SDK; everything else is answered and skipped. */
class StdioFramingTest {
  @Test
  void badLinesAreAnsweredAndGoodOnesPassThrough() throws Exception {
    String good1 = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    String good2 = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    String input = "x".repeat(StdioFraming.MAX_LINE_CHARS + 1) + "\n"
        + good1 + "\n"
        + "\n"
        + "{\"jsonrpc\":\"2.0\",\"id\":9}\n"
        + "{\"jsonrpc\":\"1.0\",\"id\":\"a\",\"method\":\"ping\"}\n"
        + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":{}}\n"
        + "[]\n"
        + "{\"jsonrpc\":\n"
        + good2; // the last line has no newline
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StdioFraming f = new StdioFraming(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out);
    String passed = new String(f.input().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(passed).isEqualTo(good1 + "\n" + good2 + "\n");
    f.awaitEnd();

    List<JsonNode> answers = out.toString(StandardCharsets.UTF_8).lines().map(CanonicalJson::parse).toList();
    assertThat(answers).extracting(a -> a.path("error").path("code").asInt()).containsExactly(-32600, -32600, -32600, -32600, -32600, -32700);
    assertThat(answers).extracting(a -> a.path("id").isNull() ? "null" : a.path("id").asText()).containsExactly("null", "9", "a", "3", "null", "null");
    assertThat(answers.get(0).path("error").path("message").asText()).contains("longer than");
  }

  @Test
  void theSdksOutputIsPassedOnWholeLines() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StdioFraming f = new StdioFraming(new ByteArrayInputStream(new byte[0]), out);
    var o = f.output();
    o.write("{\"jsonrpc\":".getBytes(StandardCharsets.UTF_8));
    o.flush();
    assertThat(out.size()).as("half a line is held back").isZero();
    o.write("\"2.0\"}\n".getBytes(StandardCharsets.UTF_8));
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"jsonrpc\":\"2.0\"}\n");
  }
}
