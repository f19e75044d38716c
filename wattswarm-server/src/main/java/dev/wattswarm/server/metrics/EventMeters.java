package dev.wattswarm.server.metrics;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.task.TaskEventTypes;
import dev.wattswarm.node.Node;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Meters fed by the committed log: events appended (our own and other nodes'), and how long tasks
 * took from creation to finalization, by the signed times of the two events.
 */
final class EventMeters implements AutoCloseable {
  /** Creation times of tasks not yet finalized; the oldest are forgotten past this many. */
  static final int MAX_OPEN_TASKS = 65_536;

  private final Node node;
  private final Counter local;
  private final Counter remote;
  private final Timer finalizeLatency;
  private final Map<String, Long> createdAt = new LinkedHashMap<>(1024, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > MAX_OPEN_TASKS;
    }
  };
  private final Consumer<Event> listener = this::onCommit;

  EventMeters(MeterRegistry registry, Node node) {
    this.node = node;
    local = Counter.builder("wattswarm.events.appended").description("Events appended to the local log, by origin")
        .tag("origin", "local").register(registry);
    remote = Counter.builder("wattswarm.events.appended").description("Events appended to the local log, by origin")
        .tag("origin", "remote").register(registry);
    finalizeLatency = Timer.builder("wattswarm.task.finalize.latency")
        .description("From a task's creation to its finalization, by the events' signed times")
        .serviceLevelObjectives(ms(10), ms(50), ms(100), ms(250), ms(500), ms(1_000), ms(2_500), ms(5_000), ms(10_000),
            ms(30_000), ms(60_000), ms(300_000))
        .register(registry);
    node.log().subscribe(listener);
  }

  private static Duration ms(long n) {
    return Duration.ofMillis(n);
  }

  // runs on the log's dispatch thread: constant work, no I/O
  private void onCommit(Event e) {
    NodeId me = node.nodeId();
    (e.author().equals(me) ? local : remote).increment();
    if (!e.hasTask()) return;
    if (TaskEventTypes.CREATED.equals(e.type())) {
      synchronized (createdAt) {
        createdAt.put(e.taskId(), e.createdAtMs());
      }
    } else if (TaskEventTypes.FINALIZED.equals(e.type())) {
      Long start;
      synchronized (createdAt) {
        start = createdAt.remove(e.taskId());
      }
      if (start != null) finalizeLatency.record(Duration.ofMillis(Math.max(0, e.createdAtMs() - start)));
    }
  }

  @Override
  public void close() {
    node.log().unsubscribe(listener);
  }
}
