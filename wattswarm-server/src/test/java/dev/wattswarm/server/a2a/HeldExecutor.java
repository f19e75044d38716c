package dev.wattswarm.server.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.task.Executor;
import dev.wattswarm.node.task.TaskRequest;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A real executor that starts at once and finishes only when the test releases it, so a task stays running. */
final class HeldExecutor implements Executor {
  static final String CAPABILITY = "held";
  final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  void release() {
    release.countDown();
  }

  @Override
  public String name() {
    return "held";
  }

  @Override
  public Set<String> capabilities() {
    return Set.of(CAPABILITY);
  }

  @Override
  public JsonNode execute(TaskRequest task) throws Exception {
    started.countDown();
    if (!release.await(120, TimeUnit.SECONDS)) throw new IllegalStateException("the test never released the task");
    return CanonicalJson.object().put("answer", "late: " + task.prompt());
  }

  @Override
  public Verdict verify(TaskRequest task, JsonNode candidate) {
    return Verdict.passed("held executors agree");
  }
}
