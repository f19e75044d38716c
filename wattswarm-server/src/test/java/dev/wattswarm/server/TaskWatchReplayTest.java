package dev.wattswarm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wattswarm.node.state.StateDir;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A watch stream that starts behind the log still carries the task's whole lifecycle. An executor's
 * error is an event after which a task may have ended; the stream used to stop at the first one
 * it sent whenever the task had ended by then, dropping the retry and everything after it (seen as
 * a flaky {@code wattswarm task watch} on a loaded machine, where the stream lags the log).
 */
@org.junit.jupiter.api.Timeout(300)
class TaskWatchReplayTest extends LocalNodeApi {

  @Override
  protected NodeHost startNode(StateDir dir) throws Exception {
    Files.createDirectories(dir.root());
    // a JSON built-in on a prompt that is not JSON: every attempt errors
    Files.writeString(dir.root().resolve("executors.json"), "{\"executors\":[{\"name\":\"j\",\"capabilities\":[\"json\"]}]}");
    return super.startNode(dir);
  }

  static List<String> eventNames(String sse) {
    return sse.lines().filter(l -> l.startsWith("event: ")).map(l -> l.substring("event: ".length())).toList();
  }

  @Test
  void theStreamOfATaskThatFailedAfterARetryReplaysEveryEventToTheEnd() throws Exception {
    var submit = call("POST", "/v1/tasks", "{\"task_id\":\"f1\",\"capability\":\"json\",\"max_retries\":1,\"inputs\":{\"prompt\":\"not json\"}}");
    assertThat(submit.statusCode()).as(submit.body()).isEqualTo(201);
    // the task ends before the stream opens: the stream is as far behind the log as it can be
    await().atMost(Duration.ofSeconds(60)).until(() -> json(call("GET", "/v1/tasks/f1", null)).path("state").asText().equals("failed"));

    List<String> streamed = eventNames(call("GET", "/v1/tasks/f1/events?follow=true", null).body());
    List<String> logged = eventNames(call("GET", "/v1/tasks/f1/events?follow=false", null).body());

    assertThat(streamed).containsSubsequence("task.created", "task.claimed", "task.error", "task.retry_scheduled", "task.claimed",
        "task.error");
    assertThat(streamed).as("everything the log holds for the task, in order").isEqualTo(logged);
    assertThat(json(call("GET", "/v1/tasks/f1", null)).path("attempt").asInt()).isEqualTo(2);
  }
}
