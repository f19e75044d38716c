package dev.wattswarm.p2p.tcp;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts a transport's virtual threads and remembers the live ones, so close() can wait for them. */
final class ThreadTracker {
  private static final Logger log = LoggerFactory.getLogger(ThreadTracker.class);
  private final Set<Thread> live = ConcurrentHashMap.newKeySet();

  Thread start(String name, Runnable body) {
    Thread t = Thread.ofVirtual().name(name).unstarted(() -> {
      try {
        body.run();
      } catch (Throwable e) {
        log.error("thread {} failed", Thread.currentThread().getName(), e);
      } finally {
        live.remove(Thread.currentThread());
      }
    });
    live.add(t);
    t.start();
    return t;
  }

  /**
   * Waits up to {@code timeoutMs} for every tracked thread but the caller's to end.
   *
   * @return the threads still running afterwards
   */
  Set<Thread> joinAll(long timeoutMs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    Thread self = Thread.currentThread();
    boolean interrupted = false;
    for (Thread t : Set.copyOf(live)) {
      if (t == self) continue;
      long left = deadline - System.nanoTime();
      if (left <= 0) break;
      try {
        t.join(java.time.Duration.ofNanos(left));
      } catch (InterruptedException e) {
        interrupted = true;
        break;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
    Set<Thread> left = ConcurrentHashMap.newKeySet();
    for (Thread t : live) if (t != self && t.isAlive()) left.add(t);
    return left;
  }

  int liveCount() {
    int n = 0;
    for (Thread t : live) if (t.isAlive()) n++;
    return n;
  }
}
