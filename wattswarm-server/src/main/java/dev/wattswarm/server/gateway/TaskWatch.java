package dev.wattswarm.server.gateway;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.node.log.NodeLog;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * Tells gateway listeners (WebSockets, A2A streams and waits) which task an event just touched.
 * Listeners run on the log's dispatch thread, so each only marks what changed and wakes its own
 * thread, which reads the task's state from the projection: nothing slow happens here, and a slow
 * client never holds up the node.
 */
public final class TaskWatch implements AutoCloseable {
  private final NodeLog log;
  private final Set<Consumer<String>> listeners = new CopyOnWriteArraySet<>();
  private final Consumer<Event> onEvent = this::dispatch;

  public TaskWatch(NodeLog log) {
    this.log = log;
    log.subscribe(onEvent);
  }

  private void dispatch(Event e) {
    if (!e.hasTask()) return;
    for (Consumer<String> l : listeners) l.accept(e.taskId());
  }

  /** @return a handle that stops the listener */
  public AutoCloseable listen(Consumer<String> taskIdListener) {
    listeners.add(taskIdListener);
    return () -> listeners.remove(taskIdListener);
  }

  /** Follows one task: {@link Follow#await} returns once it changed (or the time is up). */
  public Follow follow(String taskId) {
    Follow f = new Follow(taskId);
    f.handle = listen(f::seen);
    return f;
  }

  /** A thread's wait for one task's next change; close it when done. */
  public static final class Follow implements AutoCloseable {
    private final String taskId;
    private AutoCloseable handle;
    private boolean changed;

    private Follow(String taskId) {
      this.taskId = taskId;
    }

    private synchronized void seen(String id) {
      if (!id.equals(taskId)) return;
      changed = true;
      notifyAll();
    }

    /** @return whether the task changed since the last call (waiting up to {@code timeoutMs} for it) */
    public synchronized boolean await(long timeoutMs) throws InterruptedException {
      long end = System.nanoTime() + timeoutMs * 1_000_000L;
      while (!changed) {
        long left = (end - System.nanoTime()) / 1_000_000L;
        if (left <= 0) return false;
        wait(left);
      }
      changed = false;
      return true;
    }

    @Override
    public void close() {
      try {
        handle.close();
      } catch (Exception ignored) {
        // removing a listener cannot fail
      }
    }
  }

  @Override
  public void close() {
    log.unsubscribe(onEvent);
    listeners.clear();
  }
}
