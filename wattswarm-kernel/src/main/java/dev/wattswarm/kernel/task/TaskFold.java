package dev.wattswarm.kernel.task;

import java.util.List;

/**
 * A task's state as a function of the set of its events. Events reach nodes in different orders
 * (gossip takes different paths, backfill fetches lane by lane), so the state machine is run over
 * them in one order every node agrees on: {@link TaskFactLog.Entry#compareTo}, by Lamport clock,
 * then event id. A Lamport clock is larger than that of every event its author had seen, so the
 * order respects causality: a decision sorts after the facts it was based on, and facts that
 * arrive late but were concurrent sort where every other node sorts them too.
 */
public final class TaskFold {
  private TaskFold() {}

  /** The state after every entry, in order; null while no valid {@code task.created} is among them. */
  public static TaskState fold(List<TaskFactLog.Entry> entries) {
    TaskState s = null;
    for (TaskFactLog.Entry e : entries) s = step(s, e);
    return s;
  }

  /**
   * One step: the next state, or the same state with the rejection counted. A task's events all
   * travel in its scope; one signed in another lane is refused, since it would reach only some nodes.
   */
  public static TaskState step(TaskState current, TaskFactLog.Entry e) {
    TaskFact fact = e.fact();
    TaskTransition t = TaskStateMachine.apply(current, fact);
    if (t.accepted() && !t.state().spec().scope().toString().equals(e.scope())) {
      t = TaskTransition.reject(TaskRejection.WRONG_SCOPE,
          "task events travel in the task's scope " + t.state().spec().scope() + ", this one came in " + e.scope());
    }
    if (t.accepted()) return t.state();
    if (current == null) return null;
    TaskState next = current.copy();
    next.rejections++;
    next.lastRejection = fact.type() + " " + t.rejection() + ": " + t.message();
    return next;
  }
}
