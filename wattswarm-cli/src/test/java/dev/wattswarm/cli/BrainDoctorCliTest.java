package dev.wattswarm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.json.CanonicalJson;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `brain doctor` on a default node, and on brains declared for agents rather than executors. */
class BrainDoctorCliTest {
  @TempDir Path tmp;

  @Test
  void nothingToCheckIsSuccess() throws Exception {
    Path d = tmp.resolve("n");
    Files.createDirectories(d);
    Cli r = Cli.run("--state-dir", d.toString(), "brain", "doctor");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("nothing to check");
    Cli j = Cli.run("--state-dir", d.toString(), "brain", "doctor", "--json");
    assertThat(CanonicalJson.parse(j.out()).path("checked").asInt()).isZero();
    assertThat(CanonicalJson.parse(j.out()).path("ok").asBoolean()).isTrue();
  }

  @Test
  void agentBrainsAreChecked() throws Exception {
    Path d = tmp.resolve("a");
    Files.createDirectories(d);
    Files.writeString(d.resolve("agents.json"), "{\"agents\":[{\"name\":\"sec\",\"role\":\"specialist\",\"capabilities\":"
        + "[\"security\"],\"brain\":{\"kind\":\"ollama\",\"base_url\":\"http://127.0.0.1:9\",\"model\":\"llama3\"}},"
        + "{\"name\":\"plain\",\"role\":\"worker\"}]}");
    Cli r = Cli.run("--state-dir", d.toString(), "brain", "doctor", "--json");
    assertThat(r.exit()).isEqualTo(1);
    var doc = CanonicalJson.parse(r.out());
    assertThat(doc.path("checked").asInt()).isEqualTo(1);
    assertThat(doc.path("brains").get(0).path("name").asText()).isEqualTo("sec");
    assertThat(doc.path("brains").get(0).path("declared_in").asText()).contains("agents[0].brain");
    assertThat(doc.path("brains").get(0).path("ok").asBoolean()).isFalse();
  }
}
