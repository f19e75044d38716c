package dev.wattswarm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The task commands against a real `node up` process, and a coordinator killed mid-round. */
@org.junit.jupiter.api.Timeout(600)
class TaskCliTest {
  @TempDir Path tmp;

  static String sd(Path p) {
    return p.toString();
  }

  @Test
  void submitWatchShowListCancelFromTheCommandLine() throws Exception {
    Path dir = tmp.resolve("a");
    try (NodeProcess node = NodeProcess.start(dir, Map.of())) {
      node.awaitReady();
      Path file = tmp.resolve("t.json");
      Files.writeString(file, "{\"task_id\":\"cli-1\",\"task_type\":\"swarm\",\"inputs\":{\"prompt\":\"reverse: abc\"}}");
      Cli submit = Cli.run("--state-dir", sd(dir), "task", "submit", file.toString());
      assertThat(submit.exit()).as(submit.err()).isZero();
      assertThat(submit.out().trim()).isEqualTo("cli-1");
      Cli watch = Cli.run("--state-dir", sd(dir), "task", "watch", "cli-1");
      assertThat(watch.exit()).as(watch.err()).isZero();
      // the node's own executor answers at once, so one finalization with the output is the whole run
      assertThat(watch.out()).contains("task.created").contains("task.finalized").contains("executor=").contains("is finalized")
          .contains("cba");
      Cli again = Cli.run("--state-dir", sd(dir), "task", "submit", file.toString());
      assertThat(again.exit()).isZero();
      assertThat(again.err()).contains("already existed");
      Cli show = Cli.run("--state-dir", sd(dir), "task", "show", "cli-1", "--json");
      assertThat(CanonicalJson.parse(show.out()).path("state").asText()).isEqualTo("finalized");
      Cli list = Cli.run("--state-dir", sd(dir), "task", "list", "--state", "finalized", "--json");
      assertThat(CanonicalJson.parse(list.out()).path("tasks")).hasSize(1);
      Cli cancel = Cli.run("--state-dir", sd(dir), "task", "cancel", "cli-1");
      assertThat(cancel.exit()).isNotZero();
      assertThat(cancel.err()).contains("finalized");
      Files.writeString(file, "{\"task_id\": \"bad\", \"inputs\": ");
      Cli bad = Cli.run("--state-dir", sd(dir), "task", "submit", file.toString());
      assertThat(bad.exit()).isNotZero();
      assertThat(bad.err()).contains("not valid JSON");
      Files.writeString(file, "{\"task_id\":\"bad\",\"profile\":\"turbo\",\"inputs\":{\"prompt\":\"x\"}}");
      Cli invalid = Cli.run("--state-dir", sd(dir), "task", "submit", file.toString());
      assertThat(invalid.exit()).isNotZero();
      assertThat(invalid.err()).contains("profile");
      Cli unknown = Cli.run("--state-dir", sd(dir), "task", "watch", "nope");
      assertThat(unknown.exit()).isNotZero();
      assertThat(unknown.err()).contains("no task nope");
    }
  }

  @Test
  void aFailedTaskMakesWatchExitWithTheFailureCode() throws Exception {
    Path dir = tmp.resolve("f");
    Files.createDirectories(dir);
    // a JSON built-in on a prompt that is not JSON: every attempt errors
    Files.writeString(dir.resolve("executors.json"), "{\"executors\":[{\"name\":\"j\",\"capabilities\":[\"json\"]}]}");
    try (NodeProcess node = NodeProcess.start(dir, Map.of())) {
      node.awaitReady();
      Path file = tmp.resolve("f.json");
      Files.writeString(file, "{\"task_id\":\"f1\",\"capability\":\"json\",\"max_retries\":1,\"inputs\":{\"prompt\":\"not json\"}}");
      assertThat(Cli.run("--state-dir", sd(dir), "task", "submit", file.toString()).exit()).isZero();
      Cli watch = Cli.run("--state-dir", sd(dir), "task", "watch", "f1");
      assertThat(watch.exit()).isEqualTo(CliException.TASK_FAILED);
      assertThat(watch.out()).contains("task.retry_scheduled").contains("is failed");
    }
  }

  /**
   * kill -9 of the coordinating node while a quorum round is open: after restart the task still
   * ends by the rules (finalized here), and exactly one finalization is in the log.
   */
  @Test
  void aCoordinatorKilledMidQuorumFinishesTheTaskAfterRestart() throws Exception {
    Path dir = tmp.resolve("k");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("executors.json"), "{\"executors\":["
        + "{\"name\":\"a\",\"delay_ms\":1500},{\"name\":\"b\",\"delay_ms\":1500},{\"name\":\"c\",\"delay_ms\":1500}]}");
    Path file = tmp.resolve("q.json");
    Files.writeString(file, "{\"task_id\":\"k1\",\"profile\":\"quorum\",\"lease_ms\":2000,\"inputs\":{\"prompt\":\"count the words in this line\"}}");
    try (NodeProcess node = NodeProcess.start(dir, Map.of())) {
      node.awaitReady();
      assertThat(Cli.run("--state-dir", sd(dir), "task", "submit", file.toString()).exit()).isZero();
      await().atMost(Duration.ofSeconds(20)).until(() -> state(dir).equals("claimed"));
      node.process.destroyForcibly();
      node.process.waitFor();
    }
    try (NodeProcess node = NodeProcess.start(dir, Map.of())) {
      node.awaitReady();
      Cli watch = Cli.run("--state-dir", sd(dir), "task", "watch", "k1");
      assertThat(watch.exit()).as(watch.out() + watch.err()).isZero();
      Cli events = Cli.run("--state-dir", sd(dir), "events", "tail", "-n", "1000", "--task", "k1", "--json");
      long finals = events.out().lines().filter(l -> l.contains("\"task.finalized\"")).count();
      assertThat(finals).isEqualTo(1);
      Cli verify = Cli.run("--state-dir", sd(dir), "log", "verify");
      assertThat(verify.exit()).as(verify.err()).isZero();
    }
  }

  static String state(Path dir) {
    Cli show = Cli.run("--state-dir", dir.toString(), "task", "show", "k1", "--json");
    if (show.exit() != 0) return "";
    JsonNode t = CanonicalJson.parse(show.out());
    return t.path("state").asText();
  }
}
