package dev.wattswarm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.EventStore;
import dev.wattswarm.kernel.task.TaskPhase;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.Projections;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.node.task.Executor;
import dev.wattswarm.node.task.TaskRequest;
import dev.wattswarm.node.task.TaskRuntime;
import dev.wattswarm.store.EventStores;
import dev.wattswarm.store.StoreConfig;
import dev.wattswarm.testkit.TestEvents;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench tasks}: whole-lifecycle throughput and latency on one node with the durable SQLite
 * store and no-op executors, so the figure is the kernel's cost (signing, store, state machine,
 * coordination) and not the work. Submitters keep a bounded number of tasks in flight. The
 * baseline, measured in the same run, is appending the same number of events straight to the
 * same store in batches of 100: the ceiling the lifecycle's bookkeeping is compared against.
 *
 * <p>With rates set ({@code --rates 500,1000} or {@code -Dwattswarm.bench.rates=...}; "auto" searches
 * for the highest sustained rate) each profile runs {@link SteadyLoad} instead of the drain: a
 * drain's latency is only its window divided by its throughput, an offered load's is what a client
 * submitting at that rate sees.
 */
final class TaskBench implements BenchRunner.ExternalSuite {
  static final class Noop implements Executor {
    private final String name;

    Noop(String name) {
      this.name = name;
    }

    public String name() {
      return name;
    }

    public Set<String> capabilities() {
      return Set.of("noop");
    }

    public int maxConcurrent() {
      return 100_000;
    }

    public JsonNode execute(TaskRequest t) {
      return CanonicalJson.object().put("answer", "ok");
    }

    public Verdict verify(TaskRequest t, JsonNode c) {
      return Verdict.passed("noop");
    }
  }

  /** Offered rates for the steady mode; null runs the drain. Set by {@code --rates} or the system property. */
  static volatile String rates = System.getProperty("wattswarm.bench.rates");

  @Override
  public ObjectNode run(boolean quick, PrintStream progress) throws Exception {
    if (NatsBench.enabled) return NatsBench.tasks(quick, progress);
    ObjectNode out = CanonicalJson.object();
    out.put("store", "sqlite (durable, WAL, synchronous=NORMAL)");
    out.put("executor", "noop");
    out.put("mode", rates == null ? "drain" : "steady");
    out.set("fast", profile("fast", quick ? 3_000 : 20_000, quick ? 500 : 2_000, quick, progress));
    out.set("quorum", profile("quorum", quick ? 500 : 3_000, quick ? 100 : 500, quick, progress));
    return out;
  }

  private ObjectNode profile(String profile, int tasks, int warmup, boolean quick, PrintStream progress) throws Exception {
    Path dir = Files.createTempDirectory("ws-bench-tasks");
    List<Executor> execs = List.of(new Noop("n1"), new Noop("n2"), new Noop("n3"));
    Node node = Node.open(NodeConfig.local(dir), new StateDir(dir), Clock.systemUTC(), new SecureRandom(), Projections.all());
    try {
      TaskRuntime rt = TaskRuntime.start(node, execs, false);
      Map<String, Long> submitted = new ConcurrentHashMap<>();
      long[] latencies = new long[tasks];
      int[] finished = new int[1];
      CountDownLatch[] done = new CountDownLatch[1];
      Semaphore window = new Semaphore(WINDOW);
      rt.tracker().subscribe(c -> {
        if (c.after().phase() != TaskPhase.FINALIZED) return;
        Long t0 = submitted.remove(c.after().taskId());
        if (t0 == null) return;
        synchronized (finished) {
          if (finished[0] < latencies.length) latencies[finished[0]++] = System.nanoTime() - t0;
        }
        done[0].countDown();
        window.release();
      });
      progress.printf("bench tasks: %s profile, %d warm-up + %d measured tasks%n", profile, warmup, tasks);
      batch(rt, profile, "w", warmup, submitted, done, window);
      if (rates != null) return steady(rt, node, profile, quick ? 4 : 10, dir, progress);
      synchronized (finished) {
        finished[0] = 0;
      }
      long eventsBefore = node.store().count();
      long t0 = System.nanoTime();
      batch(rt, profile, "m", tasks, submitted, done, window);
      double secs = (System.nanoTime() - t0) / 1e9;
      long events = node.store().count() - eventsBefore;
      long[] lat = Arrays.copyOf(latencies, Math.min(finished[0], tasks));
      Arrays.sort(lat);
      ObjectNode o = CanonicalJson.object();
      o.put("tasks", tasks);
      o.put("finalized_per_s", Math.round(tasks / secs));
      o.put("events_per_task", Math.round(events * 10.0 / tasks) / 10.0);
      o.put("events_per_s", Math.round(events / secs));
      ObjectNode l = o.putObject("submit_to_finalized_ms");
      l.put("p50", pct(lat, 0.50)).put("p99", pct(lat, 0.99)).put("max", pct(lat, 1.0));
      o.put("baseline_store_append_events_per_s", baselineAppend(dir, events));
      progress.printf("  %s: %d tasks/s, p50 %.2f ms, p99 %.2f ms%n", profile, Math.round(tasks / secs), pct(lat, 0.5), pct(lat, 0.99));
      return o;
    } finally {
      node.close();
      deleteTree(dir);
    }
  }

  /** Offered-load steps after the warm-up; quick runs shorter steps. */
  private static ObjectNode steady(TaskRuntime rt, Node node, String profile, double stepSeconds, Path dir, PrintStream progress)
      throws Exception {
    SteadyLoad load = new SteadyLoad(rt, node, profile, progress);
    // the search starts low enough that its first step is sustained on a small machine
    ObjectNode o = load.run(SteadyLoad.parseRates(rates), profile.equals("fast") ? 250 : 100, stepSeconds);
    o.put("baseline_store_append_events_per_s", baselineAppend(dir, load.events()));
    return o;
  }

  /** Tasks submitted but not yet finalized, at most. */
  static final int WINDOW = 2_000;

  /** Submits {@code n} tasks from virtual threads, at most {@link #WINDOW} unfinished, and waits for all. */
  private static void batch(TaskRuntime rt, String profile, String prefix, int n, Map<String, Long> submitted,
      CountDownLatch[] done, Semaphore inFlight) throws Exception {
    done[0] = new CountDownLatch(n);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < n; i++) {
        String id = prefix + "-" + profile + "-" + i;
        inFlight.acquire();
        pool.execute(() -> {
          ObjectNode t = CanonicalJson.object().put("task_id", id).put("profile", profile).put("capability", "noop");
          t.putObject("inputs").put("prompt", "noop");
          submitted.put(id, System.nanoTime());
          try {
            rt.service().submit(t);
          } catch (RuntimeException e) {
            submitted.remove(id);
            done[0].countDown();
            inFlight.release();
          }
        });
      }
      if (!done[0].await(300, TimeUnit.SECONDS)) {
        throw new IllegalStateException(profile + ": only " + (n - done[0].getCount()) + " of " + n + " tasks finalized in 300 s");
      }
    }
  }

  /** The same number of events appended directly to a fresh store of the same kind, 100 per batch. */
  static long baselineAppend(Path dir, long events) {
    Path db = dir.resolve("baseline.db");
    try (EventStore store = EventStores.open(StoreConfig.sqlite(db), List.of())) {
      BenchEvents gen = new BenchEvents(TestEvents.key(3).id(), 200);
      long n = Math.max(1000, events);
      long t0 = System.nanoTime();
      for (long done = 0; done < n; done += 100) {
        List<Event> b = new ArrayList<>(100);
        for (int i = 0; i < 100; i++) b.add(gen.next());
        store.append(b);
      }
      return Math.round(n / ((System.nanoTime() - t0) / 1e9));
    }
  }

  static double pct(long[] sorted, double p) {
    if (sorted.length == 0) return 0;
    int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return Math.round(sorted[Math.max(0, i)] / 10_000.0) / 100.0;
  }

  static void deleteTree(Path dir) {
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (Exception ignored) {
      // temp dir
    }
  }
}
