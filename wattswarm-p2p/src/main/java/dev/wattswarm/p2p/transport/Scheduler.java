package dev.wattswarm.p2p.transport;

/**
 * Where protocol state lives: one thread (or one simulated timeline) runs every callback of the
 * protocols bound to it, so membership and broadcast need no locks. The simulator implements it in
 * virtual time; a node uses a real single-threaded scheduler.
 */
public interface Scheduler {
  /** Milliseconds on this scheduler's clock. */
  long now();

  /** Runs soon, on the scheduler's thread, after what is already queued. */
  void execute(Runnable task);

  /** Runs after {@code delayMs}; the handle cancels it. */
  Cancellable schedule(long delayMs, Runnable task);

  interface Cancellable {
    void cancel();
  }
}
