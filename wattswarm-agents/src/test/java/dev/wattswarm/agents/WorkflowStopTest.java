package dev.wattswarm.agents;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A graceful stop in the middle of a workflow records nothing unfinished; the restarted node completes it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkflowStopTest {
  @TempDir Path tmp;
  Node node;

  @AfterEach
  void stop() {
    if (node != null) node.close();
  }

  WorkflowEngine open(Responder r) {
    node = Node.open(NodeConfig.local(tmp.resolve("n")), new StateDir(tmp.resolve("n")), Clock.systemUTC(), new SecureRandom(), Projections.all());
    AgentRuntime agents = AgentRuntime.start(node, null, null, AgentConfig.defaults(), List.of(AgentSpec.parse("quick:specialist:fast"),
        AgentSpec.parse("stuck:specialist:slow")), s -> r);
    // one attempt: a step cut short by the stop must not be taken for a failed one
    return new WorkflowEngine(node, agents, 1, 30_000);
  }

  @Test
  void aStopMidWorkflowLeavesItOpenAndTheRestartFinishesIt() {
    RulesResponder rules = new RulesResponder();
    CountDownLatch slowStarted = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    WorkflowEngine engine = open((self, from, body) -> {
      if (self.capabilities().contains("slow")) {
        slowStarted.countDown();
        never.await(); // until the stop interrupts it
      }
      return rules.respond(self, from, body);
    });
    engine.start("wf-stop", CanonicalJson.parse("{\"code\":\"print(1)\"}"), List.of("fast", "slow"));
    await().atMost(Duration.ofSeconds(20)).until(() -> slowStarted.getCount() == 0 && engine.get("wf-stop").orElseThrow().stepSettled("fast"));
    engine.close();
    WorkflowLog stopped = WorkflowLog.of(node);
    assertThat(stopped.types()).doesNotContain(EventTypes.WORKFLOW_FINISHED, EventTypes.WORKFLOW_STEP_FAILED);
    node.close();

    WorkflowEngine restarted = open(rules);
    await().atMost(Duration.ofSeconds(20)).until(() -> restarted.get("wf-stop").orElseThrow().finished());
    restarted.close();
    WorkflowLog log = WorkflowLog.of(node);
    assertThat(log.count(EventTypes.WORKFLOW_STEP_DONE, "fast")).isEqualTo(1); // not redone
    assertThat(log.count(EventTypes.WORKFLOW_STEP_DONE, "slow")).isEqualTo(1);
    assertThat(log.count(EventTypes.WORKFLOW_STEP_FAILED, null)).isZero();
    assertThat(log.types()).endsWith(EventTypes.WORKFLOW_FINISHED).containsOnlyOnce(EventTypes.WORKFLOW_FINISHED);
  }
}
