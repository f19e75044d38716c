package dev.wattswarm.p2p.transport;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The real-time {@link Scheduler}: one named platform thread that owns all protocol state. */
public final class ThreadScheduler implements Scheduler, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ThreadScheduler.class);

  private final ScheduledExecutorService exec;
  private final Clock clock;

  public ThreadScheduler(String threadName, Clock clock) {
    this.clock = clock;
    this.exec = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name(threadName).daemon(true).unstarted(r));
  }

  @Override
  public long now() {
    return clock.millis();
  }

  @Override
  public void execute(Runnable task) {
    if (exec.isShutdown()) return;
    exec.execute(guard(task));
  }

  @Override
  public Cancellable schedule(long delayMs, Runnable task) {
    if (exec.isShutdown()) return () -> {};
    ScheduledFuture<?> f = exec.schedule(guard(task), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
    return () -> f.cancel(false);
  }

  private static Runnable guard(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        // one failing step must not kill the thread that runs every protocol of the node
        log.warn("protocol step failed", e);
      }
    };
  }

  @Override
  public void close() {
    exec.shutdownNow();
  }
}
