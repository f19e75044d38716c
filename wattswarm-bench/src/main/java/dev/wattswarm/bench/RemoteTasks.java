package dev.wattswarm.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.task.TaskEventTypes;
import dev.wattswarm.node.task.TaskTracker;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Fast tasks created on node a and executed by node b's executor, submitted by several callers
 * at once as control-plane clients do (a submit returns once its event is durable, so one
 * sequential caller measures the commit latency, not the swarm). Times each task from its
 * submit to the moment a sees it finalized, from a's own task tracker.
 */
final class RemoteTasks {
  static final String EXECUTORS = "{\"executors\":[{\"name\":\"w\",\"kind\":\"rules\",\"capabilities\":[\"far\"],"
      + "\"max_concurrent\":64,\"rules\":[{\"match\":\".*\",\"answer\":\"ok\"}]}]}";
  static final int SUBMITTERS = 16;

  private RemoteTasks() {}

  static ObjectNode run(BenchPair pair, String prefix, int n) throws Exception {
    Map<String, Long> submitted = new ConcurrentHashMap<>();
    long[] latency = new long[n];
    CountDownLatch done = new CountDownLatch(n);
    Map<String, Integer> index = new ConcurrentHashMap<>();
    for (int i = 0; i < n; i++) index.put(prefix + i, i);
    Consumer<TaskTracker.Change> onChange = c -> {
      if (!c.event().type().equals(TaskEventTypes.FINALIZED)) return;
      Integer i = index.remove(c.after().taskId());
      if (i == null) return;
      Long at = submitted.get(c.after().taskId());
      latency[i] = at == null ? 0 : System.nanoTime() - at;
      done.countDown();
    };
    pair.a().tasks().tracker().subscribe(onChange);
    long t0 = System.nanoTime();
    try (ExecutorService callers = Executors.newFixedThreadPool(SUBMITTERS)) {
      for (int k = 0; k < SUBMITTERS; k++) {
        int first = k;
        callers.execute(() -> {
          for (int i = first; i < n; i += SUBMITTERS) {
            ObjectNode t = CanonicalJson.object().put("task_id", prefix + i).put("task_type", "bench").put("capability", "far");
            t.putObject("inputs").put("prompt", "p" + i);
            submitted.put(prefix + i, System.nanoTime());
            pair.a().tasks().service().submit(t);
          }
        });
      }
    }
    long submitNs = System.nanoTime() - t0;
    boolean all = done.await(300, TimeUnit.SECONDS);
    long totalNs = System.nanoTime() - t0;
    pair.a().tasks().tracker().unsubscribe(onChange);
    int finalized = n - (int) done.getCount();
    long[] s = Arrays.stream(latency).filter(x -> x > 0).sorted().toArray();
    ObjectNode out = CanonicalJson.object().put("tasks", n).put("submitters", SUBMITTERS).put("finalized", finalized)
        .put("submit_ms", submitNs / 1_000_000).put("seconds", Math.round(totalNs / 1e7) / 100.0)
        .put("tasks_per_s", Math.round(finalized / (totalNs / 1e9)));
    if (s.length > 0) {
      out.put("submit_to_finalized_p50_ms", s[s.length / 2] / 1_000_000).put("submit_to_finalized_p99_ms",
          s[(int) Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)] / 1_000_000);
    }
    if (!all) out.put("timed_out", true);
    return out;
  }
}
