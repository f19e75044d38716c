package dev.wattswarm.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wattswarm.agents.workflow.WorkflowEngine;
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
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Decompose, run in parallel, synthesize; failures retried then reported. Restart runs in the CLI tests. */
@Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
class WorkflowEngineTest {
  @TempDir Path tmp;
  Node node;

  @AfterEach
  void stop() {
    if (node != null) node.close();
  }

  @Test
  void aReviewIsSplitRunAndSynthesizedAndAFailingStepIsReported() {
    node = Node.open(NodeConfig.local(tmp.resolve("n")), new StateDir(tmp.resolve("n")), Clock.systemUTC(), new SecureRandom(),
        Projections.all());
    RulesResponder rules = new RulesResponder();
    Responder r = (self, from, body) -> {
      if (self.capabilities().contains("flaky")) throw new IllegalStateException("model down");
      return rules.respond(self, from, body);
    };
    AgentRuntime agents = AgentRuntime.start(node, null, List.of(
        new AgentSpec("sec", Role.SPECIALIST, Set.of("security"), "", 2, "rules"),
        new AgentSpec("doc", Role.SPECIALIST, Set.of("docs"), "", 2, "rules"),
        new AgentSpec("bad", Role.SPECIALIST, Set.of("flaky"), "", 2, "rules")), r);
    WorkflowEngine engine = node.manage(new WorkflowEngine(node, agents, 2, 5_000));
    var goal = CanonicalJson.parse("{\"kind\":\"code-review\",\"code\":\"x = eval(input())\"}");
    engine.start("wf-1", goal, List.of());
    await().atMost(Duration.ofSeconds(20)).until(() -> engine.get("wf-1").orElseThrow().finished());
    var w = engine.get("wf-1").orElseThrow().toJson();
    assertThat(w.path("steps").size()).isEqualTo(3);
    assertThat(w.path("synthesis").path("findings").toString()).contains("security: eval").contains("docs: no comments");
    assertThat(w.path("synthesis").path("failed_steps").get(0).path("error").asText()).contains("model down");
    // the log holds every step, and a fresh engine over it sees the same finished workflow
    WorkflowEngine again = new WorkflowEngine(node, agents, 2, 5_000);
    assertThat(again.get("wf-1").orElseThrow().toJson()).isEqualTo(w);
    again.close();
  }
}
