package dev.wattswarm.node.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventLimits;
import dev.wattswarm.kernel.event.EventTypes;
import dev.wattswarm.kernel.event.EventVerifier;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.EventFilter;
import dev.wattswarm.kernel.task.TaskEventTypes;
import dev.wattswarm.kernel.task.TaskValidationException;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.Projections;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lifecycle end to end on one node: real store, real log, real executors on virtual threads. */
class TaskRuntimeTest {
  @TempDir Path tmp;
  Node node;
  TaskRuntime rt;

  TaskService start(List<Executor> executors) {
    node = Node.open(NodeConfig.local(tmp.resolve("n")), new StateDir(tmp.resolve("n")), Clock.systemUTC(),
        new SecureRandom(), Projections.all());
    rt = TaskRuntime.start(node, executors, false);
    return rt.service();
  }

  @AfterEach
  void stop() {
    if (node != null) node.close();
  }

  static ObjectNode task(String id, String prompt) {
    ObjectNode t = CanonicalJson.object().put("task_id", id).put("task_type", "swarm");
    t.putObject("inputs").put("prompt", prompt);
    return t;
  }

  JsonNode awaitState(String id, String state) {
    await().atMost(Duration.ofSeconds(30)).until(() -> rt.service().get(id).map(t -> t.path("state").asText()).orElse(""),
        s -> s.equals(state));
    return rt.service().get(id).orElseThrow();
  }

  List<Event> events(String id) {
    return node.store().list(0, 10_000, EventFilter.task(id)).events();
  }

  long count(String id, String type) {
    return events(id).stream().filter(e -> e.type().equals(type)).count();
  }

  /** An executor whose behaviour the test scripts. */
  interface Body {
    JsonNode run(TaskRequest t) throws Exception;
  }

  static Executor scripted(String name, Body body) {
    return new Executor() {
      public String name() {
        return name;
      }

      public Set<String> capabilities() {
        return Set.of("rules");
      }

      public JsonNode execute(TaskRequest t) throws Exception {
        return body.run(t);
      }

      public Verdict verify(TaskRequest t, JsonNode c) {
        return Verdict.inconclusive("scripted");
      }
    };
  }

  @Test
  void aFreshNodeFinalizesAFastTaskWithItsDefaultExecutors() {
    TaskService s = start(ExecutorsFile.defaults());
    var sub = s.submit(task("t1", "count the words in this sentence please"));
    assertThat(sub.created()).isTrue();
    JsonNode done = awaitState("t1", "finalized");
    assertThat(done.path("output").path("answer").asInt()).isEqualTo(7);
    assertThat(count("t1", TaskEventTypes.FINALIZED)).isEqualTo(1);
    // a quick own executor: created and finalized (with the output) are the whole log of the task
    assertThat(events("t1")).extracting(Event::type).containsExactly(TaskEventTypes.CREATED, TaskEventTypes.FINALIZED);
    var again = s.submit(task("t1", "count the words in this sentence please"));
    assertThat(again.created()).isFalse();
    assertThat(count("t1", TaskEventTypes.CREATED)).isEqualTo(1);
  }

  @Test
  void aFaultyExecutorIsOutvotedInAQuorumTask() {
    TaskService s = start(List.of(RulesExecutor.standard("a"), RulesExecutor.standard("b"),
        new RulesExecutor("liar", Set.of("rules", "echo"), List.of(), true, 4)));
    ObjectNode t = task("q1", "count the words in this sentence please").put("profile", "quorum").put("capability", "rules");
    s.submit(t);
    JsonNode done = awaitState("q1", "finalized");
    assertThat(done.path("output").path("answer").asInt()).isEqualTo(7);
    assertThat(done.path("executor").asText()).doesNotEndWith("/liar");
    assertThat(count("q1", TaskEventTypes.VOTE_REVEALED)).isEqualTo(3);
    assertThat(count("q1", TaskEventTypes.DECISION_COMMITTED)).isEqualTo(1);
    // the honest verifiers said the liar's candidate was wrong
    assertThat(events("q1")).filteredOn(e -> e.type().equals(TaskEventTypes.VERIFIER_RESULT))
        .anySatisfy(e -> assertThat(e.payloadJson()).contains("\"verdict\":\"failed\""));
  }

  @Test
  void aCrashingExecutorIsRetriedThenTheTaskFails() {
    AtomicInteger calls = new AtomicInteger();
    TaskService s = start(List.of(scripted("crashy", t -> {
      calls.incrementAndGet();
      throw new IllegalStateException("segfault in the model");
    })));
    s.submit(task("c1", "anything").put("max_retries", 1));
    JsonNode done = awaitState("c1", "failed");
    assertThat(done.path("last_error").asText()).contains("segfault in the model").contains("after 2 attempts");
    assertThat(calls.get()).isEqualTo(2);
    assertThat(count("c1", TaskEventTypes.RETRY_SCHEDULED)).isEqualTo(1);
  }

  @Test
  void aHangingExecutorLosesItsLeaseAndTheWorkIsRetried() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    TaskService s = start(List.of(scripted("sleepy", t -> {
      if (calls.incrementAndGet() == 1) never.await();
      return CanonicalJson.object().put("answer", "woke up");
    })));
    s.submit(task("h1", "anything").put("lease_ms", 300).put("max_retries", 2));
    JsonNode done = awaitState("h1", "finalized");
    assertThat(done.path("attempt").asInt()).isEqualTo(2);
    assertThat(events("h1")).filteredOn(e -> e.type().equals(TaskEventTypes.RELEASED))
        .singleElement().satisfies(e -> assertThat(e.payloadJson()).contains("lease expired"));
  }

  @Test
  void garbageOutputIsAnErrorNotAResult() {
    TaskService s = start(List.of(scripted("junk", t -> CanonicalJson.MAPPER.getNodeFactory().textNode("lol"))));
    s.submit(task("g1", "anything").put("max_retries", 0));
    JsonNode done = awaitState("g1", "failed");
    assertThat(done.path("last_error").asText()).contains("garbage");
    assertThat(count("g1", TaskEventTypes.CANDIDATE_PROPOSED)).isZero();
  }

  @Test
  void splitVotesRetryAndThenFail() {
    AtomicInteger n = new AtomicInteger();
    Executor a = scripted("a", t -> CanonicalJson.object().put("answer", n.incrementAndGet()));
    Executor b = scripted("b", t -> CanonicalJson.object().put("answer", n.incrementAndGet()));
    Executor c = scripted("c", t -> CanonicalJson.object().put("answer", n.incrementAndGet()));
    TaskService s = start(List.of(a, b, c));
    s.submit(task("split", "anything").put("profile", "quorum").put("max_retries", 1)
        .put("vote_window_ms", 2000).put("reveal_window_ms", 2000));
    JsonNode done = awaitState("split", "failed");
    assertThat(done.path("last_error").asText()).contains("without a quorum");
    assertThat(count("split", TaskEventTypes.FINALIZED)).isZero();
  }

  @Test
  void refusalsAreClearAndStoreNothing() {
    TaskService s = start(ExecutorsFile.defaults());
    assertThatThrownBy(() -> s.submit(task("big", "x").put("profile", "quorum").set("quorum",
        CanonicalJson.object().put("executors", 5))))
        .isInstanceOf(TaskValidationException.class).hasMessageContaining("quorum.executors").hasMessageContaining("has 3");
    assertThatThrownBy(() -> s.submit(task("cap", "x").put("capability", "translate")))
        .isInstanceOf(TaskValidationException.class).hasMessageContaining("translate");
    assertThatThrownBy(() -> s.submit(task("p", "x").put("profile", "slow")))
        .isInstanceOf(TaskValidationException.class).hasMessageContaining("profile");
    assertThat(node.store().count()).isZero();
    assertThatThrownBy(() -> s.list("nonsense", null, 10)).hasMessageContaining("state");
  }

  @Test
  void cancelStopsARunningTaskAndRefusesAFinishedOne() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    TaskService s = start(List.of(scripted("slow", t -> {
      never.await();
      return null;
    })));
    s.submit(task("x1", "anything"));
    awaitState("x1", "claimed");
    assertThat(s.cancel("x1", "changed my mind").path("state").asText()).isEqualTo("cancelled");
    assertThatThrownBy(() -> s.cancel("x1", null)).isInstanceOf(TaskService.ConflictException.class)
        .hasMessageContaining("cancelled");
    assertThatThrownBy(() -> s.cancel("nope", null)).isInstanceOf(java.util.NoSuchElementException.class);
  }

  @Test
  void theLogOfARunVerifiesAndItsProjectionsEqualAReplay() {
    TaskService s = start(ExecutorsFile.defaults());
    s.submit(task("r1", "reverse: abc"));
    s.submit(task("r2", "count words here").put("profile", "quorum"));
    awaitState("r1", "finalized");
    awaitState("r2", "finalized");
    var report = node.store().verifyLog(new EventVerifier(null, EventLimits.DEFAULT, EventTypes.kernel(), 16));
    assertThat(report.problems()).isEmpty();
    String before = node.store().dumpProjections();
    node.store().replayProjections();
    assertThat(node.store().dumpProjections()).isEqualTo(before);
  }
}
