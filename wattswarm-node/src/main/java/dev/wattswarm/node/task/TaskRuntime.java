package dev.wattswarm.node.task;

import dev.wattswarm.node.Node;
import java.util.List;

/**
 * The task lifecycle on a node: the live-task tracker, the coordinator for tasks created here, the
 * host for this node's executors, and the service surfaces call. Closed before the log.
 */
public final class TaskRuntime implements AutoCloseable {
  public static final long TICK_MS = 50;

  private final TaskTracker tracker;
  private final TaskCoordinator coordinator;
  private final ExecutorHost executors;
  private final TaskService service;

  private TaskRuntime(TaskTracker tracker, TaskCoordinator coordinator, ExecutorHost executors, TaskService service) {
    this.tracker = tracker;
    this.coordinator = coordinator;
    this.executors = executors;
    this.service = service;
  }

  /** @param networked whether other nodes' executors can take part (not in local mode) */
  public static TaskRuntime start(Node node, List<Executor> executors, boolean networked) {
    TaskTracker tracker = new TaskTracker(node.log());
    java.util.Set<String> reserved = java.util.concurrent.ConcurrentHashMap.newKeySet();
    TaskCoordinator coordinator = new TaskCoordinator(node.log(), tracker, node.clock(), TICK_MS, reserved);
    ExecutorHost host;
    try {
      host = new ExecutorHost(node.log(), tracker, node.clock(), node.key(), executors, TICK_MS, reserved);
    } catch (RuntimeException e) {
      coordinator.close();
      tracker.close();
      throw e;
    }
    TaskService service = new TaskService(node.log(), host::slots, networked);
    service.countersFrom(() -> java.util.Map.of("untracked_foreign_tasks", tracker.untracked()));
    return node.manage(new TaskRuntime(tracker, coordinator, host, service));
  }

  public TaskService service() {
    return service;
  }

  public TaskTracker tracker() {
    return tracker;
  }

  /** Hands sweeping of tasks whose coordinator is gone to the swarm leader (see TaskCoordinator#sweepLeader). */
  public void sweepLeader(java.util.function.LongSupplier heldTerm) {
    coordinator.sweepLeader(heldTerm);
  }

  public ExecutorHost executors() {
    return executors;
  }

  @Override
  public void close() {
    executors.close();
    coordinator.close();
    tracker.close();
  }
}
