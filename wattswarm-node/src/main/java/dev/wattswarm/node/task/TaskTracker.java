package dev.wattswarm.node.task;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.EventStore;
import dev.wattswarm.kernel.store.ProjectionDoc;
import dev.wattswarm.kernel.task.TaskFact;
import dev.wattswarm.kernel.task.TaskPhase;
import dev.wattswarm.kernel.task.TaskProjector;
import dev.wattswarm.kernel.task.TaskState;
import dev.wattswarm.kernel.task.TaskStateMachine;
import dev.wattswarm.kernel.task.TaskTransition;
import dev.wattswarm.node.log.NodeLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The live tasks of this node, in memory: the same state machine the store's projector runs,
 * applied to each committed event on the log's dispatch thread (so in commit order, right after
 * the store applied it). The coordinator and the executor host read this instead of querying the
 * store on every event. Terminal tasks leave the map; the store keeps them.
 */
public final class TaskTracker implements AutoCloseable {
  /** A task changed: its state before (null when created) and after, and the event that did it. */
  public record Change(TaskState before, TaskState after, Event event) {}

  private final NodeLog log;
  private final Map<String, TaskState> live = new ConcurrentHashMap<>();
  private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
  private final Consumer<Event> onEvent = this::onEvent;

  public TaskTracker(NodeLog log) {
    this.log = log;
    log.subscribe(onEvent);
    load(log.store());
  }

  private void load(EventStore store) {
    for (TaskPhase p : TaskPhase.values()) {
      if (p.terminal()) continue;
      String after = "";
      while (true) {
        List<ProjectionDoc> page = store.projections(TaskProjector.NS, p.wire(), after, 1000);
        for (ProjectionDoc d : page) live.putIfAbsent(d.key(), TaskState.fromJson(CanonicalJson.parse(d.doc())));
        if (page.size() < 1000) break;
        after = page.get(page.size() - 1).key();
      }
    }
  }

  private void onEvent(Event e) {
    if (!e.type().startsWith("task.") || e.taskId().isEmpty()) return;
    TaskState before = live.get(e.taskId());
    if (before == null) {
      if (!e.type().equals(dev.wattswarm.kernel.task.TaskEventTypes.CREATED)) return; // terminal or unknown
      if (!createdTheStoredTask(e)) return; // a second task.created for an id that already finished
    }
    TaskTransition t;
    try {
      t = TaskStateMachine.apply(before, TaskFact.of(e));
    } catch (RuntimeException malformed) {
      return;
    }
    if (!t.accepted()) return;
    TaskState after = t.state();
    if (after.phase().terminal()) live.remove(e.taskId());
    else live.put(e.taskId(), after);
    Change c = new Change(before, after, e);
    for (Consumer<Change> l : listeners) l.accept(c);
  }

  // The store applied this event before dispatch; if its document is not the one this event created
  // (another creation came first), the store rejected it and so must we.
  private boolean createdTheStoredTask(Event e) {
    return log.store().projection(TaskProjector.NS, e.taskId())
        .map(d -> CanonicalJson.parse(d.doc()))
        .map(j -> j.path("coordinator").asText().equals(e.author().toString())
            && j.path("created_at_ms").asLong() == e.createdAtMs() && !TaskPhase.fromWire(j.path("state").asText()).terminal())
        .orElse(false);
  }

  /** Called on the log's dispatch thread: must hand work off, never block. */
  public void subscribe(Consumer<Change> listener) {
    listeners.add(listener);
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
