package dev.wattswarm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.state.StateDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WATTSWARM_LOG_FORMAT=json: a real node's stderr is one JSON object per line; without it, text lines. */
@org.junit.jupiter.api.Timeout(300)
class LogFormatTest {
  @TempDir Path tmp;

  /** Runs {@code node up} to readiness and {@code node down} with the format; returns its stderr lines. */
  List<String> nodeLog(String format) throws Exception {
    Path sd = tmp.resolve("n-" + format);
    Path err = tmp.resolve(format + ".err");
    ProcessBuilder pb = new ProcessBuilder(NodeProcess.javaBin(), "--enable-native-access=ALL-UNNAMED", "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "--state-dir", sd.toString(), "node", "up", "--control-port", "0")
        .redirectOutput(tmp.resolve(format + ".out").toFile()).redirectError(err.toFile());
    pb.environment().put("WATTSWARM_LOG_LEVEL", "DEBUG");
    if (format != null) pb.environment().put("WATTSWARM_LOG_FORMAT", format);
    Process p = pb.start();
    try {
      StateDir dir = new StateDir(sd);
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
        if (!p.isAlive()) throw new AssertionError("node exited " + p.exitValue() + ": " + Files.readString(err));
        return dir.runtime().map(r -> r.pid() == p.pid()).orElse(false);
      });
      Cli down = Cli.run("--state-dir", sd.toString(), "node", "down");
      assertThat(down.exit()).as(down.err()).isZero();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }
    List<String> lines = Files.readAllLines(err).stream().filter(l -> !l.isBlank()).toList();
    assertThat(lines).as("a node at DEBUG logs something").isNotEmpty();
    return lines;
  }

  @Test
  void jsonFormatWritesOneObjectPerLine() throws Exception {
    List<String> lines = nodeLog("json");
    for (String line : lines) {
      JsonNode o = CanonicalJson.MAPPER.readTree(line);
      assertThat(o.isObject()).as(line).isTrue();
      assertThat(o.path("level").asText()).as(line).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
      assertThat(o.path("loggerName").asText()).as(line).isNotEmpty();
      assertThat(o.path("timestamp").asLong()).as(line).isPositive();
      assertThat(o.has("formattedMessage")).as(line).isTrue();
    }
    assertThat(lines).anySatisfy(l -> assertThat(CanonicalJson.MAPPER.readTree(l).path("formattedMessage").asText())
        .matches("node z6Mk\\w+ up: network local:z6Mk\\w+, control plane http://127\\.0\\.0\\.1:\\d+"));
  }

  @Test
  void textFormatIsNotJson() throws Exception {
    List<String> lines = nodeLog("text");
    assertThat(lines.get(0)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*");
    assertThatThrownBy(() -> CanonicalJson.MAPPER.readTree(lines.get(0)).fieldNames().next()).isInstanceOf(Exception.class);
  }
}
