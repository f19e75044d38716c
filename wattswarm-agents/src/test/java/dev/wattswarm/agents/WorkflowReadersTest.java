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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Readers (the HTTP threads) see consistent workflow snapshots while steps finish. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkflowReadersTest {
  @TempDir Path tmp;
  Node node;

  @AfterEach
  void stop() {
    if (node != null) node.close();
  }

  @Test
  void concurrentReadsDuringProgressSeeWholeSnapshots() throws Exception {
    node = Node.open(NodeConfig.local(tmp.resolve("n")), new StateDir(tmp.resolve("n")), Clock.systemUTC(), new SecureRandom(), Projections.all());
    List<AgentSpec> specs = new ArrayList<>();
    List<String> caps = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      specs.add(AgentSpec.parse("s" + i + ":specialist:c" + i));
      caps.add("c" + i);
    }
    AgentRuntime agents = AgentRuntime.start(node, null, null, AgentConfig.defaults(), specs, s -> new RulesResponder());
    WorkflowEngine engine = node.manage(new WorkflowEngine(node, agents, 1, 30_000));
    engine.start("wf-read", CanonicalJson.object().put("code", "x"), caps);
    AtomicBoolean done = new AtomicBoolean();
    ConcurrentLinkedQueue<Throwable> problems = new ConcurrentLinkedQueue<>();
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      readers.add(Thread.ofPlatform().start(() -> {
        int lastDone = 0;
        while (!done.get()) {
          try {
            var w = engine.get("wf-read").orElseThrow();
            var j = w.toJson();
            int settled = 0;
            for (var s : j.path("steps")) if (!s.path("state").asText().equals("pending")) settled++;
            // a snapshot never goes backwards, and a finished one has every step settled
            if (j.path("steps").size() != 40 || settled < lastDone || (w.finished() && settled != 40)) {
              problems.add(new AssertionError("inconsistent snapshot: " + settled + " settled after " + lastDone));
            }
            lastDone = settled;
          } catch (RuntimeException e) {
            problems.add(e);
          }
        }
      }));
    }
    await().atMost(Duration.ofSeconds(40)).until(() -> engine.get("wf-read").orElseThrow().finished());
    done.set(true);
    for (Thread t : readers) t.join();
    assertThat(problems).isEmpty();
  }
}
