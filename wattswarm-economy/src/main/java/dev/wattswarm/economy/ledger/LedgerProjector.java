package dev.wattswarm.economy.ledger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventTypes;
import dev.wattswarm.kernel.evidence.EquivocationProof;
import dev.wattswarm.kernel.evidence.EvidenceProjector;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.ProjectionTx;
import dev.wattswarm.kernel.store.Projector;
import dev.wattswarm.kernel.task.TaskProjector;
import dev.wattswarm.kernel.task.TaskState;

/**
 * Keeps the {@code watt} projection: the {@link Ledger} over the events a node holds. It runs
 * after the evidence and task projectors (found on the class path by
 * {@link dev.wattswarm.node.Projections}), so a mission sees its task's fold and a proof its
 * recorded fork within the same transaction.
 */
public final class LedgerProjector implements Projector {
  @Override
  public void apply(Event e, ProjectionTx tx) {
    String type = e.type();
    if (type.startsWith("watt.")) {
      LedgerOp op = LedgerOp.of(e);
      if (op != null) new Ledger(docs(tx, e.networkId())).ingest(op);
    } else if (type.startsWith("task.") && !e.taskId().isEmpty()) {
      // most tasks carry no reward: their fold (just written, so cached) says so without a store read
      var task = tx.get(TaskProjector.NS, e.taskId());
      // except a creation: one with an earlier clock may replace a mission's task (and its reward) in the fold
      if (task.isEmpty() || (TaskProjector.state(task.get()).spec().reward() == 0 && !type.equals("task.created"))) return;
      if (tx.get(LedgerDocs.NS, "m/" + e.taskId()).isPresent()) {
        new Ledger(docs(tx, e.networkId())).taskChanged(e.taskId());
      } else if (type.equals("task.created")) {
        LedgerDocs docs = docs(tx, e.networkId());
        // an escrow refused before its task was held: judge it again if it now holds
        if (Ledger.refusedEscrowNowHolds(docs.get("ew/" + e.taskId()), docs.task(e.taskId()))) new Ledger(docs).refold();
      }
    } else if (type.equals(EventTypes.EVIDENCE_EQUIVOCATION)) {
      // a proven fork drops ledger ops of the forked lane and may refold tasks under missions
      if (EquivocationProof.check(CanonicalJson.parse(e.payload()), e.networkId()).isPresent()
          && tx.get(LedgerDocs.NS, "index").isPresent()) {
        new Ledger(docs(tx, e.networkId())).refold();
      }
    }
  }

  static LedgerDocs docs(ProjectionTx tx, String networkId) {
    return new LedgerDocs() {
      @Override
      public ObjectNode get(String key) {
        return tx.get(NS, key).map(d -> (ObjectNode) CanonicalJson.parse(d.doc())).orElse(null);
      }

      @Override
      public void put(String key, String tag, ObjectNode doc) {
        tx.put(NS, key, tag, CanonicalJson.encode(doc));
      }

      @Override
      public void delete(String key) {
        tx.delete(NS, key);
      }

      @Override
      public TaskState task(String taskId) {
        return tx.get(TaskProjector.NS, taskId).map(TaskProjector::state).orElse(null);
      }

      @Override
      public long laneForkedFrom(String author) {
        return tx.get(EvidenceProjector.NS, EvidenceProjector.key(author, "global"))
            .map(d -> CanonicalJson.parse(d.doc()).path("seq").asLong(Long.MAX_VALUE)).orElse(Long.MAX_VALUE);
      }

      @Override
      public String networkId() {
        return networkId;
      }
    };
  }
}
