package dev.wattswarm.p2p.tcp;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Closes a socket when a deadline passes unless disarmed first: bounds a whole handshake, which
 * per-read socket timeouts cannot (a peer trickling one byte per timeout would stretch it).
 */
final class Watchdog {
  private static final int ARMED = 0;
  private static final int DISARMED = 1;
  private static final int FIRED = 2;

  private final AtomicInteger state = new AtomicInteger(ARMED);
  private final Thread thread;

  private Watchdog(ThreadTracker threads, String name, long timeoutMs, Closeable target) {
    this.thread = threads.start(name, () -> {
      try {
        Thread.sleep(timeoutMs);
      } catch (InterruptedException disarmed) {
        return;
      }
      if (state.compareAndSet(ARMED, FIRED)) {
        try {
          target.close();
        } catch (IOException ignored) {
          // closing is all we wanted
        }
      }
    });
  }

  static Watchdog arm(ThreadTracker threads, String name, long timeoutMs, Closeable target) {
    return new Watchdog(threads, name, timeoutMs, target);
  }

  /** @return true when disarmed in time, false if the deadline had already fired */
  boolean disarm() {
    boolean inTime = state.compareAndSet(ARMED, DISARMED);
    thread.interrupt();
    return inTime || state.get() == DISARMED;
  }

  boolean fired() {
    return state.get() == FIRED;
  }
}
