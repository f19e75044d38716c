package dev.wattswarm.node.task;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.store.EventStore;
import dev.wattswarm.kernel.store.ProjectionDoc;
import dev.wattswarm.kernel.task.TaskPhase;
import dev.wattswarm.kernel.task.TaskProjector;
import dev.wattswarm.kernel.task.TaskState;
import dev.wattswarm.node.log.NodeLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The live tasks of this node, in memory: after each committed task event (on the log's dispatch
 * thread, in commit order) the task's state as the store's projector folded it. The coordinator and the executor host read this instead of querying the
 * store on every event. Terminal tasks leave the map; the store keeps them.
 */
public final class TaskTracker implements AutoCloseable {
  /** A task changed: its state before (null when created) and after, and the event that did it. */
  public record Change(TaskState before, TaskState after, Event event) {}

  private final NodeLog log;
  private final Map<String, TaskState> live = new ConcurrentHashMap<>();
  private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
  private final Consumer<Event> onEvent = this::onEvent;
  /** Live tasks another node coordinates that this node tracks at most, per coordinator. */
  static final int MAX_FOREIGN_PER_COORDINATOR = 10_000;

  private final String me;
  private final Map<String, Integer> foreign = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong untracked = new java.util.concurrent.atomic.AtomicLong();

  /** Other nodes' tasks not tracked because their coordinator had too many live ones here. */
  public long untracked() {
    return untracked.get();
  }

  public TaskTracker(NodeLog log) {
    this.log = log;
    this.me = log.nodeId().toString();
    log.subscribe(onEvent);
    load(log.store());
  }

  private void load(EventStore store) {
    forEachUnfinished(store, d -> {
      TaskState s = TaskProjector.state(d);
      if (live.putIfAbsent(d.key(), s) == null && !me.equals(s.coordinator())) foreign.merge(s.coordinator(), 1, Integer::sum);
    });
  }

  /** Every stored task document not in a terminal state, page by page. */
  private static void forEachUnfinished(EventStore store, Consumer<ProjectionDoc> each) {
    for (TaskPhase p : TaskPhase.values()) {
      if (p.terminal()) continue;
      String after = "";
      while (true) {
        List<ProjectionDoc> page = store.projections(TaskProjector.NS, p.wire(), after, 1000);
        page.forEach(each);
        if (page.size() < 1000) break;
        after = page.get(page.size() - 1).key();
      }
    }
  }

  /**
   * The store has applied the event; its task document is the fold of every fact the node holds,
   * so the tracker takes that rather than applying the event itself (a fact that arrived out of
   * order may have changed more than this one step).
   */
  private void onEvent(Event e) {
    if (e.type().equals(dev.wattswarm.kernel.event.EventTypes.EVIDENCE_EQUIVOCATION)) {
      // proof of a fork can fold any task the forked lane touched again: look at them all
      java.util.Set<String> ids = new java.util.TreeSet<>(live.keySet());
      forEachUnfinished(log.store(), d -> ids.add(d.key()));
      for (String id : ids) reread(id, e);
      return;
    }
    if (!e.type().startsWith("task.") || e.taskId().isEmpty()) return;
    reread(e.taskId(), e);
  }

  private void reread(String taskId, Event e) {
    TaskState before = live.get(taskId);
    Optional<ProjectionDoc> doc = log.store().projection(TaskProjector.NS, taskId);
    if (doc.isEmpty()) return;
    TaskState after;
    try {
      after = TaskProjector.state(doc.get());
    } catch (RuntimeException corrupt) {
      return;
    }
    if (before == null && after.phase().terminal()) return; // ended before this node started tracking it
    if (after.phase().terminal()) {
      if (live.remove(taskId) != null && !me.equals(after.coordinator())) foreign.merge(after.coordinator(), -1, Integer::sum);
    } else {
      if (before == null && !me.equals(after.coordinator())) {
        // another node's tasks cost this node timers and bids; one node may not fill it with them
        if (foreign.getOrDefault(after.coordinator(), 0) >= MAX_FOREIGN_PER_COORDINATOR) {
          untracked.incrementAndGet();
          return;
        }
        foreign.merge(after.coordinator(), 1, Integer::sum);
      }
      live.put(taskId, after);
    }
    Change c = new Change(before, after, e);
    for (Consumer<Change> l : listeners) l.accept(c);
  }

  /** Called on the log's dispatch thread: must hand work off, never block. */
  public void subscribe(Consumer<Change> listener) {
    listeners.add(listener);
  }

  public void unsubscribe(Consumer<Change> listener) {
    listeners.remove(listener);
  }

  /** A live (non-terminal) task. */
  public TaskState live(String taskId) {
    return live.get(taskId);
  }

  public List<TaskState> liveTasks() {
    return new ArrayList<>(live.values());
  }

  public int liveCount() {
    return live.size();
  }

  @Override
  public void close() {
    log.unsubscribe(onEvent);
    listeners.clear();
  }
}
