package dev.wattswarm.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.task.TaskPhase;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.task.TaskRuntime;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Offered load: tasks submitted at a fixed rate whatever the node's progress (open loop), so the
 * latency is what a client submitting at that rate sees, not what a client that waits for room
 * sees (a backlog drain hides queueing: its latency is just the window over the throughput).
 * Latency is measured from each task's scheduled submit time, so a submitter that falls behind
 * counts against the node (no coordinated omission).
 *
 * <p>A step is sustained when the node finalized at least 95% of the offered rate and the p99
 * stayed within {@link #P99_BOUND_MS}. A step stops submitting early when the tasks in flight
 * exceed what {@link #MAX_QUEUE_S} seconds at the offered rate would hold: past that the p99
 * bound is broken anyway, and draining a larger backlog only wastes the run.
 */
final class SteadyLoad {
  static final double P99_BOUND_MS = 500;
  static final double MAX_QUEUE_S = 2;
  /** Rates "auto" stops doubling at. */
  static final int MAX_RATE = 64_000;

  private final TaskRuntime rt;
  private final Node node;
  private final String profile;
  private final PrintStream progress;
  /** Task id to its scheduled submit time (nanoTime). */
  private final Map<String, Long> scheduled = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Object lock = new Object();
  private long[] latencies = new long[0];
  private int finished;
  private long lastFinish;
  private CountDownLatch done = new CountDownLatch(0);
  private long events;
  private int seq;

  SteadyLoad(TaskRuntime rt, Node node, String profile, PrintStream progress) {
    this.rt = rt;
    this.node = node;
    this.profile = profile;
    this.progress = progress;
    rt.tracker().subscribe(c -> {
      if (c.after().phase() != TaskPhase.FINALIZED) return;
      Long t0 = scheduled.remove(c.after().taskId());
      if (t0 == null) return;
      long now = System.nanoTime();
      synchronized (lock) {
        if (finished < latencies.length) latencies[finished++] = now - t0;
        lastFinish = now;
      }
      inFlight.decrementAndGet();
      done.countDown();
    });
  }

  /** Events the measured steps appended: what the same-run baseline appends. */
  long events() {
    return events;
  }

  /**
   * Runs the steps: the given rates in order, or with {@code rates} empty a search (doubling from
   * {@code start} while sustained, then two bisections) for the highest sustained rate.
   */
  ObjectNode run(List<Integer> rates, int start, double seconds) throws InterruptedException {
    ObjectNode out = CanonicalJson.object();
    out.put("step_s", seconds);
    out.put("p99_bound_ms", P99_BOUND_MS);
    ArrayNode steps = out.putArray("steps");
    int best = 0;
    if (!rates.isEmpty()) {
      for (int r : rates) {
        ObjectNode s = step(r, seconds);
        steps.add(s);
        if (s.path("sustained").asBoolean()) best = Math.max(best, r);
      }
    } else {
      int lo = 0;
      int hi = 0;
      for (int r = start; r <= MAX_RATE; r *= 2) {
        ObjectNode s = step(r, seconds);
        steps.add(s);
        if (!s.path("sustained").asBoolean()) {
          hi = r;
          break;
        }
        lo = r;
      }
      for (int i = 0; i < 2 && hi > 0 && hi - lo > lo / 8; i++) {
        int mid = (lo + hi) / 2;
        ObjectNode s = step(mid, seconds);
        steps.add(s);
        if (s.path("sustained").asBoolean()) lo = mid;
        else hi = mid;
      }
      best = lo;
    }
    out.put("max_sustained_per_s", best);
    return out;
  }

  /** One step: {@code rate} tasks/s offered for {@code seconds}, then waits for every submitted task. */
  ObjectNode step(int rate, double seconds) throws InterruptedException {
    int n = (int) Math.max(1, Math.round(rate * seconds));
    long maxQueue = Math.max(200, Math.round(rate * MAX_QUEUE_S));
    synchronized (lock) {
      latencies = new long[n];
      finished = 0;
      lastFinish = 0;
    }
    done = new CountDownLatch(n);
    long eventsBefore = node.store().count();
    long cpuBefore = cpuNanos();
    long interval = Math.round(1e9 / rate);
    long start = System.nanoTime() + 20_000_000L;
    int submitted = 0;
    boolean overloaded = false;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (; submitted < n; submitted++) {
        long at = start + submitted * interval;
        long wait = at - System.nanoTime();
        if (wait > 0) LockSupport.parkNanos(wait);
        if (inFlight.get() > maxQueue) {
          overloaded = true;
          break;
        }
        String id = "s" + rate + "-" + profile + "-" + seq++;
        scheduled.put(id, at);
        inFlight.incrementAndGet();
        pool.execute(() -> submit(id));
      }
      for (int i = submitted; i < n; i++) done.countDown();
      if (!done.await((long) (seconds + 60), TimeUnit.SECONDS)) overloaded = true;
    }
    long cpu = cpuNanos() - cpuBefore;
    events += node.store().count() - eventsBefore;
    long[] lat;
    double secs;
    synchronized (lock) {
      lat = Arrays.copyOf(latencies, finished);
      secs = Math.max(1e-9, (lastFinish - start) / 1e9);
    }
    Arrays.sort(lat);
    double achieved = lat.length / secs;
    double p99 = TaskBench.pct(lat, 0.99);
    boolean sustained = !overloaded && lat.length == n && achieved >= 0.95 * rate && p99 <= P99_BOUND_MS;
    ObjectNode o = CanonicalJson.object();
    o.put("offered_per_s", rate);
    o.put("submitted", submitted);
    o.put("finalized", lat.length);
    o.put("finalized_per_s", Math.round(achieved));
    ObjectNode l = o.putObject("submit_to_finalized_ms");
    l.put("p50", TaskBench.pct(lat, 0.50)).put("p99", p99).put("max", TaskBench.pct(lat, 1.0));
    // the whole process (writer, signers, dispatch, GC, JIT) per task: what a core-count ceiling is computed from
    if (cpu > 0 && lat.length > 0) o.put("cpu_us_per_task", Math.round(cpu / 1e3 / lat.length));
    o.put("sustained", sustained);
    progress.printf("  %s steady %d/s: %d finalized/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms, cpu %d us/task%s%n", profile, rate,
        Math.round(achieved), TaskBench.pct(lat, 0.5), p99, TaskBench.pct(lat, 1.0), o.path("cpu_us_per_task").asLong(), sustained ? "" : overloaded ? " (overloaded: stopped submitting)" : " (not sustained)");
    settle();
    return o;
  }

  private void submit(String id) {
    ObjectNode t = CanonicalJson.object().put("task_id", id).put("profile", profile).put("capability", "noop");
    t.putObject("inputs").put("prompt", "noop");
    try {
      rt.service().submit(t);
    } catch (RuntimeException e) {
      if (scheduled.remove(id) != null) {
        inFlight.decrementAndGet();
        done.countDown();
      }
    }
  }

  /** Lets stragglers of a failed step finish so the next step starts from an idle node. */
  private void settle() throws InterruptedException {
    for (int i = 0; i < 600 && inFlight.get() > 0; i++) Thread.sleep(100);
    scheduled.clear();
    inFlight.set(0);
    Thread.sleep(500);
  }

  /** CPU time of this process so far, or -1 where the JVM does not say. */
  private static long cpuNanos() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** Parses "500,1000,2000" (or "auto", empty: search). */
  static List<Integer> parseRates(String s) {
    List<Integer> out = new ArrayList<>();
    if (s == null || s.isBlank() || s.equals("auto")) return out;
    for (String p : s.split(",")) {
      int r = Integer.parseInt(p.trim());
      if (r <= 0) throw new IllegalArgumentException("rates must be positive: " + s);
      out.add(r);
    }
    return out;
  }
}
