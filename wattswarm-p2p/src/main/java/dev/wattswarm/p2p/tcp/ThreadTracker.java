package dev.wattswarm.p2p.tcp;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts a transport's threads and remembers the live ones, so close() can wait for them. */
final class ThreadTracker {
  private static final Logger log = LoggerFactory.getLogger(ThreadTracker.class);
  private final Set<Thread> live = ConcurrentHashMap.newKeySet();

  /**
   * Link threads (handshake, then reading) that run on platform threads. A platform thread
   * blocked in a socket read is woken by the kernel directly; a virtual one is woken through the
   * JDK's poller and then a carrier thread, two more thread wake-ups per frame that show as
   * latency on a busy machine. Bounded, so connections beyond it (or a handshake flood) fall back
   * to virtual threads rather than growing the process's threads.
   */
  static final int PLATFORM_LINK_THREADS = 64;

  private final java.util.concurrent.Semaphore platformLinks = new java.util.concurrent.Semaphore(PLATFORM_LINK_THREADS);

  Thread start(String name, Runnable body) {
    return start(name, body, false);
  }

  /** A link's thread: a platform thread while fewer than {@link #PLATFORM_LINK_THREADS} run, else virtual. */
  Thread startLink(String name, Runnable body) {
    return start(name, body, true);
  }

  private Thread start(String name, Runnable body, boolean link) {
    boolean platform = link && platformLinks.tryAcquire();
    Thread.Builder b = platform ? Thread.ofPlatform().daemon(true) : Thread.ofVirtual();
    Thread t = b.name(name).unstarted(() -> {
      try {
        body.run();
      } catch (Throwable e) {
        log.error("thread {} failed", Thread.currentThread().getName(), e);
      } finally {
        live.remove(Thread.currentThread());
        if (platform) platformLinks.release();
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
      } catch (IllegalThreadStateException notStartedYet) {
        // registered an instant before its start(): it finds the transport closed and ends at once
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
