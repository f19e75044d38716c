package dev.wattswarm.kernel.task;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.evidence.EquivocationProof;
import dev.wattswarm.kernel.evidence.EvidenceProjector;
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
   * rolled-back transaction can never leave a wrong entry behind, and what is cached is a pure
   * function of the bytes (a log, or a state), never of anything else the node holds.
   */
  private static final Map<String, Cached> cache = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Cached> e) {
      return size() > 8192;
    }
  };

  /** {@code value} is a TaskState (task) or a TaskFactLog (task_log), never mutated once cached. */
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
   * its cache (content-keyed, so nodes sharing a JVM cannot see each other's states). Shared, not
   * copied: a TaskState is never mutated once built (the state machine and the fold work on
   * copies), and nothing outside this package can mutate one.
   */
  public static TaskState state(ProjectionDoc d) {
    return (TaskState) cached(NS, d);
  }

  /** The lanes proven forked, as the evidence projection holds them in this transaction. */
  private static TaskFold.Forks forks(ProjectionTx tx) {
    Map<String, Long> seen = new java.util.HashMap<>();
    return (author, scope) -> seen.computeIfAbsent(EvidenceProjector.key(author, scope), k -> tx.get(EvidenceProjector.NS, k)
        .map(d -> CanonicalJson.parse(d.doc()).path("seq").asLong(Long.MAX_VALUE)).orElse(Long.MAX_VALUE));
  }

  @Override
  public void apply(Event e, ProjectionTx tx) {
    if (e.type().equals(dev.wattswarm.kernel.event.EventTypes.EVIDENCE_EQUIVOCATION)) {
      refoldForked(e, tx);
      return;
    }
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
    TaskFold.Forks forks = forks(tx);
    TaskState next;
    if (at == log.size() - 1) {
      TaskState current = tx.get(NS, key).map(d -> (TaskState) cached(NS, d)).orElse(null);
      next = TaskFold.step(current, log.entries().get(at), forks);
    } else {
      next = TaskFold.fold(log.entries(), forks);
    }
    byte[] logBytes = log.encode();
    tx.put(LOG_NS, key, "log", logBytes);
    remember(LOG_NS, key, logBytes, log);
    write(tx, key, next);
  }

  /**
   * A lane was proven forked (the evidence projector, which runs first, has recorded it): every
   * task that lane's events touched from the forked position on folds again without them.
   */
  private static void refoldForked(Event e, ProjectionTx tx) {
    var proof = EquivocationProof.check(CanonicalJson.parse(e.payload()), e.networkId());
    if (proof.isEmpty()) return;
    TaskFold.Forks forks = forks(tx);
    long from = forks.forkedFrom(proof.get().author(), proof.get().scope());
    if (from == Long.MAX_VALUE) return;
    for (String taskId : tx.taskIdsInLane(proof.get().author(), proof.get().scope(), from)) {
      var logDoc = tx.get(LOG_NS, taskId);
      if (logDoc.isEmpty()) continue;
      TaskState next = TaskFold.fold(((TaskFactLog) cached(LOG_NS, logDoc.get())).entries(), forks);
      if (next == null) {
        tx.delete(NS, taskId);
      } else {
        write(tx, taskId, next);
      }
    }
  }

  private static void write(ProjectionTx tx, String key, TaskState next) {
    if (next == null) return;
    byte[] bytes = next.encode();
    tx.put(NS, key, next.phase().wire(), bytes);
    remember(NS, key, bytes, next);
  }
}
