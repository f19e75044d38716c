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
   * rolled-back transaction can never leave a wrong entry behind.
   */
  private static final Map<String, Cached> cache = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Cached> e) {
      return size() > 8192;
    }
  };

  private record Cached(byte[] doc, Object value) {}

  private static synchronized Object cached(String ns, ProjectionDoc d) {
    Cached c = cache.get(ns + "|" + d.key());
    if (c != null && Arrays.equals(c.doc(), d.doc())) return c.value();
    Object v = ns.equals(NS) ? TaskState.fromJson(CanonicalJson.parse(d.doc())) : TaskFactLog.decode(d.doc());
    cache.put(ns + "|" + d.key(), new Cached(d.doc(), v));
    return v;
  }

  private static synchronized void remember(String ns, String key, byte[] doc, Object value) {
    cache.put(ns + "|" + key, new Cached(doc, value));
  }

  /**
   * A task state decoded from its stored document; the bytes the projector just wrote decode from
   * its cache (content-keyed, so nodes sharing a JVM cannot see each other's states).
   */
  public static TaskState state(ProjectionDoc d) {
    return ((TaskState) cached(NS, d)).copy();
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
    // the cached log is copied: it is mutated below, and the transaction may yet roll back
    TaskFactLog log = tx.get(LOG_NS, key).map(d -> ((TaskFactLog) cached(LOG_NS, d)).copy()).orElseGet(TaskFactLog::empty);
    int at = log.insert(e, fact);
    if (at < 0) return;
    TaskState next;
    if (at == log.size() - 1) {
      TaskState current = tx.get(NS, key).map(d -> (TaskState) cached(NS, d)).orElse(null);
      next = TaskFold.step(current, log.entries().get(at));
    } else {
      next = TaskFold.fold(log.entries());
    }
    byte[] logBytes = log.encode();
    tx.put(LOG_NS, key, "log", logBytes);
    remember(LOG_NS, key, logBytes, log);
    if (next == null) return;
    byte[] bytes = CanonicalJson.encode(next.toJson());
    tx.put(NS, key, next.phase().wire(), bytes);
    remember(NS, key, bytes, next);
  }
}
