package dev.wattswarm.node.log;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventTypes;
import dev.wattswarm.kernel.evidence.EquivocationProof;
import dev.wattswarm.kernel.evidence.EvidenceProjector;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a fork this node's store refused into evidence every node can check: when a received
 * event sits at a lane position the store already holds with another event, both are signed by
 * the same author, and this node publishes them together as {@code evidence.equivocation} in the
 * lane's scope. Nodes whose stores kept the other branch learn of the fork that way; the
 * evidence projection then holds the same proof everywhere. One proof per lane is enough.
 */
public final class EquivocationWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EquivocationWatch.class);
  /** Lanes proven here at most; beyond it forks are still refused, only not re-proven. */
  static final int MAX_LANES = 4096;

  private final NodeLog nodeLog;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> Thread.ofVirtual().name("ws-evidence").unstarted(r));
  private final Set<String> proven = ConcurrentHashMap.newKeySet();
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong tooLarge = new AtomicLong();

  public EquivocationWatch(NodeLog nodeLog) {
    this.nodeLog = nodeLog;
    nodeLog.onFork(e -> {
      if (proven.size() < MAX_LANES && proven.add(EvidenceProjector.key(e.author().toString(), e.scope().toString()))) worker.execute(() -> prove(e));
    });
  }

  private void prove(Event incoming) {
    try {
      String key = EvidenceProjector.key(incoming.author().toString(), incoming.scope().toString());
      if (nodeLog.store().projection(EvidenceProjector.NS, key).isPresent()) return; // someone proved it already
      List<Event> held = nodeLog.store().laneAfter(incoming.author(), incoming.scope(), incoming.laneSeq() - 1, 1);
      if (held.isEmpty() || held.get(0).laneSeq() != incoming.laneSeq() || held.get(0).id().equals(incoming.id())) return;
      var payload = EquivocationProof.payload(held.get(0), incoming);
      if (CanonicalJson.encode(payload).length > nodeLog.verifier().limits().maxPayloadBytes()) {
        // two large events do not fit in one event; the fork is still refused and counted here
        tooLarge.incrementAndGet();
        return;
      }
      nodeLog.publish(incoming.scope(), EventKind.EVENTS, EventTypes.EVIDENCE_EQUIVOCATION, "", payload);
      published.incrementAndGet();
      log.warn("{} signed two events at seq {} of its {} lane; evidence published", incoming.author(), incoming.laneSeq(),
          incoming.scope());
    } catch (RuntimeException e) {
      log.warn("could not publish evidence of a fork by {}: {}", incoming.author(), e.getMessage());
    }
  }

  /** Proofs this node published, and forks whose two events were too large to prove in one event. */
  public java.util.Map<String, Long> counters() {
    return java.util.Map.of("equivocations_published", published.get(), "equivocations_too_large", tooLarge.get());
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
