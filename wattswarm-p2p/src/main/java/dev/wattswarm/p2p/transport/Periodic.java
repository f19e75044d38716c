package dev.wattswarm.p2p.transport;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A timer that keeps running whatever its body does: the next run is scheduled in a finally, so
 * one bad input (a malformed address, a listener that throws) cannot stop membership repair or
 * anti-entropy for good. Failures are reported, never rethrown into the scheduler.
 */
public final class Periodic {
  private static final Logger log = LoggerFactory.getLogger(Periodic.class);

  private Periodic() {}

  /**
   * @param delay the wait before each run (called once per run, so it may be randomised)
   * @param stopped checked before each run; once true the timer ends
   * @param failed told of each run that threw
   */
  public static void start(Scheduler s, String name, LongSupplier delay, BooleanSupplier stopped, Runnable body,
      Consumer<RuntimeException> failed) {
    s.schedule(delay.getAsLong(), () -> run(s, name, delay, stopped, body, failed));
  }

  private static void run(Scheduler s, String name, LongSupplier delay, BooleanSupplier stopped, Runnable body,
      Consumer<RuntimeException> failed) {
    if (stopped.getAsBoolean()) return;
    try {
      body.run();
    } catch (RuntimeException e) {
      log.warn("timer {} failed; it runs again", name, e);
      try {
        failed.accept(e);
      } catch (RuntimeException ignored) {
        // the count is lost, the timer is not
      }
    } finally {
      s.schedule(delay.getAsLong(), () -> run(s, name, delay, stopped, body, failed));
    }
  }
}
