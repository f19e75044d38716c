package dev.wattswarm.node.task;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * When each live task next needs a look because time, not an event, makes something due (a lease,
 * a vote window, a retry opening, an expiry). A tick takes only the due ones, so a node holding
 * many long-lived tasks does no work for them until their time comes, instead of rescanning every
 * task twenty times a second. One entry per task: a later schedule replaces the earlier one.
 * Not thread safe: owned by one loop thread.
 */
final class DueTimes {
  private record Due(long at, String taskId) {}

  private final PriorityQueue<Due> queue = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
  private final Map<String, Long> next = new HashMap<>();

  /** Looks at {@code taskId} at {@code at}; {@code Long.MAX_VALUE} means never (forgets it). */
  void schedule(String taskId, long at) {
    if (at == Long.MAX_VALUE) {
      next.remove(taskId);
      return;
    }
    Long old = next.put(taskId, at);
    if (old == null || old != at) queue.add(new Due(at, taskId));
    // stale entries stay in the queue until polled; keep them from piling up under churn
    if (queue.size() > 4 * next.size() + 64) compact();
  }

  void forget(String taskId) {
    next.remove(taskId);
  }

  /** The tasks whose time has come, each once; they must be scheduled again to be seen again. */
  List<String> pollDue(long now) {
    List<String> due = new ArrayList<>();
    while (!queue.isEmpty() && queue.peek().at <= now) {
      Due d = queue.poll();
      Long at = next.get(d.taskId);
      if (at != null && at == d.at) {
        next.remove(d.taskId);
        due.add(d.taskId);
      }
    }
    return due;
  }

  int size() {
    return next.size();
  }

  private void compact() {
    queue.clear();
    next.forEach((id, at) -> queue.add(new Due(at, id)));
  }

  /** The earliest of {@code times} still ahead of {@code now} (each plus one: due means past it). */
  static long nextAfter(long now, long... times) {
    long best = Long.MAX_VALUE;
    for (long t : times) {
      if (t <= 0 || t == Long.MAX_VALUE) continue;
      long due = t + 1;
      if (due > now && due < best) best = due;
    }
    return best;
  }
}
