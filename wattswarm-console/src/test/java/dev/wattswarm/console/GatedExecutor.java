package dev.wattswarm.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.task.Executor;
import dev.wattswarm.node.task.TaskRequest;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real executor whose work finishes only when the test opens the gate: the task sits in
 * "claimed" for exactly as long as the test needs to look at it running.
 */
final class GatedExecutor implements Executor {
  static final String CAPABILITY = "gated";
  private final CountDownLatch gate = new CountDownLatch(1);

  void open() {
    gate.countDown();
  }

  @Override
  public String name() {
    return "gated";
  }

  @Override
  public Set<String> capabilities() {
    return Set.of(CAPABILITY);
  }

  @Override
  public JsonNode execute(TaskRequest task) throws Exception {
    if (!gate.await(120, TimeUnit.SECONDS)) throw new IllegalStateException("the test never opened the gate");
    return CanonicalJson.object().put("answer", "done: " + task.prompt());
  }

  @Override
  public Verdict verify(TaskRequest task, JsonNode candidate) {
    return Verdict.passed("gated executors agree with everyone");
  }
}
