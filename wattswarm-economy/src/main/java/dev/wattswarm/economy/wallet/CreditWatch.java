package dev.wattswarm.economy.wallet;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.node.log.NodeLog;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes credits to this node's accounts spendable: after any committed ledger op or task event
 * (a settlement follows a task's end), it acknowledges what is open to the node and its agents.
 * Wake-ups coalesce, so a burst of payments costs one pass; a slow periodic pass catches a credit
 * whose chain was waiting when it came.
 */
public final class CreditWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CreditWatch.class);
  private final NodeLog nodeLog;
  private final Wallet wallet;
  private final Semaphore wake = new Semaphore(0);
  private final Consumer<Event> listener = this::onEvent;
  private final Thread thread;
  private volatile boolean closed;

  public CreditWatch(NodeLog nodeLog, Wallet wallet) {
    this.nodeLog = nodeLog;
    this.wallet = wallet;
    nodeLog.subscribe(listener);
    thread = Thread.ofPlatform().name("ws-credit-watch").daemon(true).start(this::loop);
    wake.release();
  }

  private void onEvent(Event e) {
    String t = e.type();
    if (t.startsWith("watt.") || t.equals("task.finalized") || t.equals("task.cancelled") || t.equals("task.expired")
        || t.equals("task.error") || t.equals("evidence.equivocation")) {
      if (wake.availablePermits() == 0) wake.release();
    }
  }

  private void loop() {
    while (!closed) {
      try {
        wake.tryAcquire(2, TimeUnit.SECONDS);
        wake.drainPermits();
        if (closed) return;
        wallet.acknowledgeOpenCredits();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // the log closing under us at shutdown, or a refused acknowledgement; the next pass retries
        if (!closed) log.debug("acknowledging credits failed: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    nodeLog.unsubscribe(listener);
    thread.interrupt();
  }
}
