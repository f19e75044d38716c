package dev.wattswarm.p2p.sim;

import dev.wattswarm.p2p.transport.Scheduler;
import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;

/**
 * Virtual time for a whole simulated network: one queue of timed tasks run in (time, insertion)
 * order on the caller's thread. Nothing happens between calls to {@link #runFor} or
 * {@link #runUntil}, so a run with the same seed is the same run. Methods are synchronized so a
 * test may also drive it from a thread in step with wall time, with real node threads posting work.
 */
public final class SimScheduler implements Scheduler {
  private record Timed(long at, long seq, Runnable task, boolean[] cancelled) {}

  private final PriorityQueue<Timed> queue = new PriorityQueue<>((a, b) ->
      a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private long now;
  private long seq;
  private long executed;

  @Override
  public synchronized long now() {
    return now;
  }

  @Override
  public void execute(Runnable task) {
    schedule(0, task);
  }

  @Override
  public synchronized Cancellable schedule(long delayMs, Runnable task) {
    boolean[] cancelled = new boolean[1];
    queue.add(new Timed(now + Math.max(0, delayMs), seq++, task, cancelled));
    return () -> cancelled[0] = true;
  }

  /** Runs everything due within the next {@code ms} of virtual time. */
  public synchronized void runFor(long ms) {
    long end = now + ms;
    while (!queue.isEmpty() && queue.peek().at <= end) step();
    now = end;
  }

  /**
   * Runs until {@code done} holds (checked after every task) or {@code maxMs} of virtual time pass.
   *
   * @return whether {@code done} held
   */
  public synchronized boolean runUntil(BooleanSupplier done, long maxMs) {
    long end = now + maxMs;
    if (done.getAsBoolean()) return true;
    while (!queue.isEmpty() && queue.peek().at <= end) {
      step();
      if (done.getAsBoolean()) return true;
    }
    now = end;
    return done.getAsBoolean();
  }

  private void step() {
    Timed t = queue.poll();
    now = t.at;
    if (t.cancelled[0]) return;
    executed++;
    t.task.run();
  }

  /** Tasks run so far (a cheap measure of simulated work). */
  public synchronized long executed() {
    return executed;
  }
}
