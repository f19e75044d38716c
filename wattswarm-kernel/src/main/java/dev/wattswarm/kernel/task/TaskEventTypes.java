package dev.wattswarm.kernel.task;

import java.util.Set;

/** Event types of the task lifecycle. */
public final class TaskEventTypes {
  private TaskEventTypes() {}

  public static final Set<String> ALL = Set.of();
}
