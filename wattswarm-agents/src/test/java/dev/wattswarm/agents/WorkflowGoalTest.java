package dev.wattswarm.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.wattswarm.agents.workflow.WorkflowEngine;
import dev.wattswarm.kernel.event.EventTypes;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.Projections;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The goal is written to the log once, however many steps; a 200 KB review runs; an oversized goal is named. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkflowGoalTest {
  @TempDir Path tmp;
  Node node;
  WorkflowEngine engine;
  AgentRuntime agents;

  @AfterEach
  void stop() {
    if (node != null) node.close();
  }

  void open() {
    node = Node.open(NodeConfig.local(tmp.resolve("n")), new StateDir(tmp.resolve("n")), Clock.systemUTC(), new SecureRandom(), Projections.all());
    agents = AgentRuntime.start(node, null, null, AgentConfig.defaults(), List.of(AgentSpec.parse("c:specialist:code"),
        AgentSpec.parse("s:specialist:security"), AgentSpec.parse("d:specialist:docs"), AgentSpec.parse("t:specialist:testing")),
        s -> new RulesResponder());
    engine = node.manage(new WorkflowEngine(node, agents, 2, 30_000));
  }

  static String code(int bytes) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; b.length() < bytes; i++) b.append("def f").append(i).append("(x):\n    return eval(x)  # \"quoted\" \\ tab\t\n");
    return b.substring(0, bytes);
  }

  @Test
  void aTwoHundredKilobyteReviewIsRecordedOnceAndRuns() {
    open();
    var goal = CanonicalJson.object().put("kind", "code-review").put("code", code(200 * 1024));
    int goalBytes = CanonicalJson.encode(goal).length;
    engine.start("wf-big", goal, List.of("code", "security", "docs", "testing"));
    await().atMost(Duration.ofSeconds(30)).until(() -> engine.get("wf-big").orElseThrow().finished());
    var w = engine.get("wf-big").orElseThrow().toJson();
    assertThat(w.path("synthesis").path("failed_steps").size()).isZero();
    assertThat(w.path("synthesis").path("findings").toString()).contains("security: eval");
    WorkflowLog log = WorkflowLog.of(node);
    assertThat(log.count(EventTypes.WORKFLOW_GOAL_PART, null)).isGreaterThan(1);
    // four steps, one copy: everything recorded is the goal once plus small step results
    assertThat(log.payloadBytes()).isLessThan(goalBytes * 3L / 2);
    // and the log gives back the very goal
    node.close();
    open();
    assertThat(engine.get("wf-big").orElseThrow().toJson().path("goal")).isEqualTo(goal);
  }

  @Test
  void aSmallGoalStaysInThePlanEventAndStepsDoNotCopyIt() {
    open();
    var goal = CanonicalJson.object().put("code", code(20 * 1024));
    engine.start("wf-small", goal, List.of("code", "security", "docs", "testing"));
    await().atMost(Duration.ofSeconds(30)).until(() -> engine.get("wf-small").orElseThrow().finished());
    WorkflowLog log = WorkflowLog.of(node);
    assertThat(log.count(EventTypes.WORKFLOW_GOAL_PART, null)).isZero();
    var plan = log.events().stream().filter(e -> e.type().equals(EventTypes.WORKFLOW_STARTED)).findFirst().orElseThrow();
    assertThat(WorkflowLog.payload(plan).path("goal")).isEqualTo(goal);
    assertThat(plan.payload().length).isLessThan(CanonicalJson.encode(goal).length + 1024);
  }

  @Test
  void aGoalTooBigForOneMessageIsRefusedNamingTheLimit() {
    open();
    var goal = CanonicalJson.object().put("code", code(300 * 1024));
    assertThatThrownBy(() -> engine.start("wf-huge", goal, List.of("code"))).isInstanceOf(AgentException.class)
        .hasMessageContaining("the limit is " + engine.maxGoalBytes() + " bytes");
    assertThat(WorkflowLog.of(node).events()).isEmpty();
  }
}
