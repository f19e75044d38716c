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

  /** Where each lane was proven forked: facts from that position on are dropped. */
  public interface Forks {
    /** The first forked position of (author, scope), or {@code Long.MAX_VALUE} when none is proven. */
    long forkedFrom(String author, String scope);

    Forks NONE = (a, s) -> Long.MAX_VALUE;
  }

  /** The state after every entry, in order; null while no valid {@code task.created} is among them. */
  public static TaskState fold(List<TaskFactLog.Entry> entries) {
    return fold(entries, Forks.NONE);
  }

  /**
   * As {@link #fold(List)}, without the facts an author signed in a lane from the position it was
   * proven to have forked: nodes whose stores kept different branches of that lane then fold the
   * same facts.
   */
  public static TaskState fold(List<TaskFactLog.Entry> entries, Forks forks) {
    TaskState s = null;
    for (TaskFactLog.Entry e : entries) s = step(s, e, forks);
    return s;
  }

  /**
   * One step, or none for a fact of a forked lane from its forked position on: such a fact leaves
   * no trace at all (not even a rejection count), since nodes that kept different branches of
   * that lane hold different facts there.
   */
  public static TaskState step(TaskState current, TaskFactLog.Entry e, Forks forks) {
    if (e.seq() >= forks.forkedFrom(e.fact().author(), e.scope())) return current;
    return step(current, e);
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
