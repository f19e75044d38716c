package dev.wattswarm.economy.mission;

import dev.wattswarm.node.task.ExecutorHost;
import dev.wattswarm.kernel.task.TaskState;

/**
 * Which missions this node's executors take, as the operator set it: a task with a reward below
 * {@code minReward} is left to others, and an executor already running {@code maxConcurrent} tasks
 * takes no further mission. Capabilities are matched before this is asked. Tasks without a reward
 * are not missions and are always eligible.
 */
public record MissionPolicy(long minReward, int maxConcurrent) implements ExecutorHost.TakePolicy {
  @Override
  public boolean mayTake(TaskState task, ExecutorHost.Slot slot) {
    long reward = task.spec().reward();
    if (reward == 0) return true;
    return reward >= minReward && slot.running() < maxConcurrent;
  }
}
