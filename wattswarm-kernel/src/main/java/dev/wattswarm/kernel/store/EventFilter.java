package dev.wattswarm.kernel.store;

/**
 * Restricts {@link EventStore#list}. Empty strings mean "any".
 *
 * @param typePrefix events whose type starts with this (e.g. "task.")
 * @param taskId events of this task
 * @param scope events in this scope (string form)
 */
public record EventFilter(String typePrefix, String taskId, String scope) {
  public static final EventFilter ALL = new EventFilter("", "", "");

  public EventFilter {
    typePrefix = typePrefix == null ? "" : typePrefix;
    taskId = taskId == null ? "" : taskId;
    scope = scope == null ? "" : scope;
  }

  public static EventFilter task(String taskId) {
    return new EventFilter("", taskId, "");
  }
}
