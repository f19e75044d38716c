package dev.wattswarm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** /v1/tasks over real HTTP: submit, idempotency, validation, list, show, SSE watch, cancel. */
@org.junit.jupiter.api.Timeout(300)
class TaskApiTest extends LocalNodeApi {

  @Test
  void submitIsIdempotentAndTheTaskFinalizes() throws Exception {
    String t = "{\"task_id\":\"a1\",\"task_type\":\"swarm\",\"inputs\":{\"prompt\":\"count the words please\",\"swarm_scope\":{\"kind\":\"region\",\"id\":\"eu-1\"}}}";
    var first = call("POST", "/v1/tasks", t);
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(json(first).path("created").asBoolean()).isTrue();
    var second = call("POST", "/v1/tasks", t);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(json(second).path("created").asBoolean()).isFalse();
    // the watch stream replays the lifecycle and ends at the terminal state
    var watch = call("GET", "/v1/tasks/a1/events?follow=true", null);
    assertThat(watch.headers().firstValue("Content-Type")).hasValue("text/event-stream");
    assertThat(watch.body()).contains("event: task.created").contains("event: task.finalized");
    JsonNode task = json(call("GET", "/v1/tasks/a1", null));
    assertThat(task.path("state").asText()).isEqualTo("finalized");
    assertThat(task.path("spec").path("inputs").path("swarm_scope").asText()).isEqualTo("region:eu-1");
    assertThat(json(call("GET", "/v1/tasks?state=finalized", null)).path("tasks")).hasSize(1);
    assertThat(json(call("GET", "/v1/tasks?state=open", null)).path("tasks")).isEmpty();
    var cancel = call("POST", "/v1/tasks/a1/cancel", null);
    assertThat(cancel.statusCode()).isEqualTo(409);
    assertThat(json(cancel).path("error").path("message").asText()).contains("finalized");
  }

  @Test
  void badInputIsRefusedNamingEveryField() throws Exception {
    var malformed = call("POST", "/v1/tasks", "{\"task_id\": \"x\", \"inputs\": ");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(json(malformed).path("error").path("field").asText()).isEqualTo("body");
    var invalid = call("POST", "/v1/tasks", "{\"task_id\":\"bad id!\",\"profile\":\"slow\",\"inputs\":{}}");
    assertThat(invalid.statusCode()).isEqualTo(400);
    JsonNode err = json(invalid).path("error");
    assertThat(err.path("code").asText()).isEqualTo("invalid_task");
    assertThat(err.path("details").path("errors").findValuesAsText("field"))
        .contains("task_id", "profile", "inputs.prompt");
    var tooBig = call("POST", "/v1/tasks", "{\"x\":\"" + "a".repeat(1_100_000) + "\"}");
    assertThat(tooBig.statusCode()).isEqualTo(413);
    var quorum = call("POST", "/v1/tasks", "{\"task_id\":\"q\",\"profile\":\"quorum\",\"quorum\":{\"executors\":9},\"inputs\":{\"prompt\":\"x\"}}");
    assertThat(quorum.statusCode()).isEqualTo(400);
    assertThat(json(quorum).path("error").path("field").asText()).isEqualTo("quorum.executors");
    assertThat(call("GET", "/v1/tasks/nope", null).statusCode()).isEqualTo(404);
    assertThat(call("POST", "/v1/tasks/nope/cancel", null).statusCode()).isEqualTo(404);
    assertThat(call("GET", "/v1/tasks?state=weird", null).statusCode()).isEqualTo(400);
    assertThat(call("POST", "/v1/tasks/nope/cancel", "{oops").statusCode()).isEqualTo(400);
    assertThat(json(call("GET", "/v1/tasks", null)).path("tasks")).isEmpty();
    // the node is still fine
    await().atMost(Duration.ofSeconds(5)).until(() -> call("GET", "/healthz", null).statusCode() == 200);
  }
}
