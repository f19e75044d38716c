package dev.wattswarm.kernel.task;

/** The state machine's answer: the new state, or a rejection with its reason and a sentence. */
public record TaskTransition(TaskState state, TaskRejection rejection, String message) {
  static TaskTransition ok(TaskState s) {
    return new TaskTransition(s, null, "");
  }

  static TaskTransition reject(TaskRejection r, String message) {
    return new TaskTransition(null, r, message);
  }

  public boolean accepted() {
    return rejection == null;
  }
}
