package dev.wattswarm.kernel.task;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.ProjectionDoc;
import dev.wattswarm.kernel.store.ProjectionTx;
import dev.wattswarm.kernel.store.Projector;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps the {@code task} projection (one document per task, tagged with its state so lists filter
 * by state through the index) and the {@code task_log} projection (the task's facts in fold order).
 * The task document is always {@link TaskFold#fold} of the log: a fact that sorts last is applied
 * to the stored state; one that sorts earlier makes the task fold again from its log. Either way
 * the result depends only on which events the node holds, never on the order they came in.
 */
public final class TaskProjector implements Projector {
  public static final String NS = "task";
  public static final String LOG_NS = "task_log";

  /**
   * Parsed documents by the exact bytes they came from: a task's events usually follow each other
   * closely, and re-parsing for every event dominated the writer's time. Keyed by content, so a
   * rolled-back transaction can never leave a wrong entry behind. A {@code task_log} entry holds
   * the log and the state folded from it (the task document is always that fold), so the writer
   * reads one document per event, not two.
   */
  private static final Map<String, Cached> cache = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Cached> e) {
      return size() > 8192;
    }
  };

  /** {@code value} is a TaskState (task) or a Folded (task_log). */
  private record Cached(byte[] doc, Object value) {}

  /** A log and its fold; neither is ever mutated once cached. */
  private record Folded(TaskFactLog log, TaskState state) {}

  private static synchronized Object cached(String ns, ProjectionDoc d) {
    Cached c = cache.get(ns + "|" + d.key());
    if (c != null && Arrays.equals(c.doc(), d.doc())) return c.value();
    Object v;
    if (ns.equals(NS)) {
      v = TaskState.fromJson(CanonicalJson.parse(d.doc()));
    } else {
      TaskFactLog log = TaskFactLog.decode(d.doc());
      v = new Folded(log, TaskFold.fold(log.entries()));
    }
    cache.put(ns + "|" + d.key(), new Cached(d.doc(), v));
    return v;
  }

  private static synchronized void remember(String ns, String key, byte[] doc, Object value) {
    cache.put(ns + "|" + key, new Cached(doc, value));
  }

  /**
   * A task state decoded from its stored document; the bytes the projector just wrote decode from
   * its cache (content-keyed, so nodes sharing a JVM cannot see each other's states). Shared, not
   * copied: a TaskState is never mutated once built (the state machine and the fold work on
   * copies), and nothing outside this package can mutate one.
   */
  public static TaskState state(ProjectionDoc d) {
    return (TaskState) cached(NS, d);
  }

  @Override
  public void apply(Event e, ProjectionTx tx) {
    if (!e.type().startsWith("task.") || e.taskId().isEmpty()) return;
    TaskFact fact;
    try {
      fact = TaskFact.of(e);
    } catch (IllegalArgumentException malformed) {
      return; // verified events carry canonical JSON; nothing else can reach here
    }
    String key = e.taskId();
    Folded prior = tx.get(LOG_NS, key).map(d -> (Folded) cached(LOG_NS, d)).orElse(null);
    // the cached log is copied: it is mutated below, and the transaction may yet roll back
    TaskFactLog log = prior == null ? TaskFactLog.empty() : prior.log().copy();
    int at = log.insert(e, fact);
    if (at < 0) return;
    TaskState next;
    if (at == log.size() - 1) {
      next = TaskFold.step(prior == null ? null : prior.state(), log.entries().get(at));
    } else {
      next = TaskFold.fold(log.entries());
    }
    byte[] logBytes = log.encode();
    tx.put(LOG_NS, key, "log", logBytes);
    remember(LOG_NS, key, logBytes, new Folded(log, next));
    if (next == null) return;
    byte[] bytes = next.encode();
    tx.put(NS, key, next.phase().wire(), bytes);
    remember(NS, key, bytes, next);
  }
}
