package dev.wattswarm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wattswarm console} against a real {@code node up} process: a link that logs in once. */
@org.junit.jupiter.api.Timeout(300)
class ConsoleCliTest {
  @TempDir Path tmp;
  final HttpClient http = HttpClient.newHttpClient();

  int get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void consolePrintsALoginLinkThatWorksOnceAndHoldsNoToken() throws Exception {
    Path dir = tmp.resolve("a");
    try (NodeProcess node = NodeProcess.start(dir, Map.of())) {
      node.awaitReady();
      String token = Files.readString(dir.resolve("control.token")).trim();
      Cli c = Cli.run("--state-dir", dir.toString(), "console");
      assertThat(c.exit()).as(c.err()).isZero();
      assertThat(c.out()).doesNotContain(token).contains("/supervision");
      String[] lines = c.out().strip().split("\n");
      String link = lines[lines.length - 1].strip();
      assertThat(link).startsWith("http://127.0.0.1:").contains("/supervision/login?code=");
      assertThat(get(link)).isEqualTo(303);
      assertThat(get(link)).isEqualTo(401);

      Cli json = Cli.run("--state-dir", dir.toString(), "console", "--json");
      assertThat(json.exit()).as(json.err()).isZero();
      JsonNode j = CanonicalJson.parse(json.out());
      assertThat(j.path("login_url").asText()).contains("code=").isNotEqualTo(link);
      assertThat(j.path("console_url").asText()).endsWith("/supervision");
      assertThat(j.path("expires_at_ms").asLong()).isPositive();
      assertThat(get(j.path("login_url").asText())).isEqualTo(303);
    }
  }

  @Test
  void consoleWithoutARunningNodeSaysHowToStartOne() {
    Cli c = Cli.run("--state-dir", tmp.resolve("none").toString(), "console");
    assertThat(c.exit()).isEqualTo(CliException.NOT_RUNNING);
    assertThat(c.err()).contains("node up").doesNotContain("Exception");
  }
}
