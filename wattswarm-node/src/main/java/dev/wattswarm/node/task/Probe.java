package dev.wattswarm.node.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health of an optional outside service (an HTTP executor's): checked in the background when
 * due, retried with exponential backoff while it fails, re-checked now and then while it works.
 * Only changes of state are logged, so a service that stays down costs one warning, not a flood.
 */
final class Probe {
  /** How one check is done; throws when the service is not usable. */
  interface Check {
    void run() throws Exception;
  }

  static final long FIRST_RETRY_MS = 1_000;
  static final long MAX_RETRY_MS = 60_000;
  static final long RECHECK_HEALTHY_MS = 30_000;
  /** A caller of a fresh probe waits this long once for the first answer, so a started service is usable at once. */
  static final long FIRST_WAIT_MS = 3_000;

  private static final Logger log = LoggerFactory.getLogger(Probe.class);

  private final String what;
  private final Check check;
  private final Clock clock;
  private final AtomicBoolean running = new AtomicBoolean();
  private final CountDownLatch first = new CountDownLatch(1);
  private volatile boolean healthy;
  private volatile String lastError = "";
  private volatile long nextAtMs;
  private volatile long retryMs = FIRST_RETRY_MS;
  private volatile int failures;
  private volatile long checkedAtMs;

  Probe(String what, Check check, Clock clock) {
    this.what = what;
    this.check = check;
    this.clock = clock;
  }

  boolean healthy() {
    return healthy;
  }

  /** Starts a check in the background when one is due; the very first call waits briefly for it. */
  void dueCheck() {
    if (clock.millis() >= nextAtMs && running.compareAndSet(false, true)) {
      Thread.ofVirtual().name("ws-probe").start(this::runOnce);
    }
    if (first.getCount() > 0) {
      try {
        first.await(FIRST_WAIT_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void runOnce() {
    try {
      check.run();
      succeeded();
    } catch (Exception e) {
      failed(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    } finally {
      running.set(false);
      first.countDown();
    }
  }

  private void succeeded() {
    if (!healthy && failures > 0) log.warn("{} is reachable again", what);
    healthy = true;
    failures = 0;
    retryMs = FIRST_RETRY_MS;
    checkedAtMs = clock.millis();
    nextAtMs = checkedAtMs + RECHECK_HEALTHY_MS;
  }

  /** Marks the service down (also when a call outside a check failed to connect) and schedules a retry. */
  void failed(String why) {
    boolean wasHealthy = healthy;
    healthy = false;
    lastError = why;
    checkedAtMs = clock.millis();
    if (failures++ == 0 || wasHealthy) {
      log.warn("{} is not reachable ({}); it takes no work until it is, retrying with backoff", what, why);
    }
    nextAtMs = checkedAtMs + retryMs;
    retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
  }

  /** {@code healthy}, {@code failures}, {@code last_error}, {@code next_check_in_ms}. */
  ObjectNode toJson() {
    ObjectNode o = CanonicalJson.object().put("healthy", healthy).put("failures", failures);
    if (!healthy && !lastError.isEmpty()) o.put("last_error", lastError);
    o.put("next_check_in_ms", Math.max(0, nextAtMs - clock.millis()));
    return o;
  }
}
