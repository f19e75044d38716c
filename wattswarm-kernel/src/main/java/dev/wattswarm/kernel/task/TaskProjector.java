package dev.wattswarm.kernel.task;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.ProjectionDoc;
import dev.wattswarm.kernel.store.ProjectionTx;
import dev.wattswarm.kernel.store.Projector;
import java.util.Optional;

/**
 * Keeps the {@code task} projection: one document per task, tagged with its state so lists filter
 * by state through the index. A rejected event leaves the state alone and is only counted.
 */
public final class TaskProjector implements Projector {
  public static final String NS = "task";

  /**
   * Parsed states by the exact document bytes they came from: a task's events usually follow each
   * other closely, and re-parsing its document for every event dominated the writer's time. Keyed
   * by content, so a rolled-back transaction can never leave a wrong entry behind.
   */
  private final java.util.Map<String, Cached> cache = new java.util.LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(java.util.Map.Entry<String, Cached> e) {
      return size() > 4096;
    }
  };

  private record Cached(byte[] doc, TaskState state) {}

  private synchronized TaskState decode(ProjectionDoc d) {
    Cached c = cache.get(d.key());
    if (c != null && java.util.Arrays.equals(c.doc(), d.doc())) return c.state();
    TaskState s = TaskState.fromJson(CanonicalJson.parse(d.doc()));
    cache.put(d.key(), new Cached(d.doc(), s));
    return s;
  }

  private synchronized void remember(String key, byte[] doc, TaskState s) {
    cache.put(key, new Cached(doc, s));
  }

  @Override
  public void apply(Event e, ProjectionTx tx) {
    if (!e.type().startsWith("task.") || e.taskId().isEmpty()) return;
    Optional<ProjectionDoc> doc = tx.get(NS, e.taskId());
    TaskState current = doc.map(this::decode).orElse(null);
    TaskFact fact;
    try {
      fact = TaskFact.of(e);
    } catch (IllegalArgumentException malformed) {
      return; // verified events carry canonical JSON; nothing else can reach here
    }
    TaskTransition t = TaskStateMachine.apply(current, fact);
    TaskState next;
    if (t.accepted()) {
      next = t.state();
    } else if (current != null) {
      next = current.copy();
      next.rejections++;
      next.lastRejection = e.type() + " " + t.rejection() + ": " + t.message();
    } else {
      return;
    }
    byte[] bytes = CanonicalJson.encode(next.toJson());
    tx.put(NS, e.taskId(), next.phase().wire(), bytes);
    remember(e.taskId(), bytes, next);
  }

  /** The state machine's verdict on {@code e} against {@code tx}'s current state, without storing. */
  public static TaskTransition judge(Event e, Optional<TaskState> current) {
    return TaskStateMachine.apply(current.orElse(null), TaskFact.of(e));
  }
}
