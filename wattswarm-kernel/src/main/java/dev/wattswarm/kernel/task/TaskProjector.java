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

  @Override
  public void apply(Event e, ProjectionTx tx) {
    if (!e.type().startsWith("task.") || e.taskId().isEmpty()) return;
    Optional<ProjectionDoc> doc = tx.get(NS, e.taskId());
    TaskState current = doc.map(d -> TaskState.fromJson(CanonicalJson.parse(d.doc()))).orElse(null);
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
    tx.put(NS, e.taskId(), next.phase().wire(), CanonicalJson.encode(next.toJson()));
  }

  /** The state machine's verdict on {@code e} against {@code tx}'s current state, without storing. */
  public static TaskTransition judge(Event e, Optional<TaskState> current) {
    return TaskStateMachine.apply(current.orElse(null), TaskFact.of(e));
  }
}
