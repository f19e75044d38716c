package dev.wattswarm.economy.ledger;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.evidence.EvidenceProjector;
import dev.wattswarm.kernel.store.ProjectionDoc;
import dev.wattswarm.kernel.store.ProjectionTx;
import dev.wattswarm.kernel.store.Projector;
import dev.wattswarm.kernel.task.TaskProjector;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One replica for the tests: the node's projectors over documents in a map, fed events as a store
 * would (a duplicate is skipped, lane continuity is the caller's to keep).
 */
final class MapTx implements ProjectionTx {
  final Map<String, ProjectionDoc> docs = new HashMap<>();
  final Set<String> seen = new HashSet<>();
  final List<Projector> projectors = List.of(new EvidenceProjector(), new TaskProjector(), new LedgerProjector());
  final Map<String, List<Event>> lanes = new HashMap<>();
  int duplicates;

  void deliver(Event e) {
    if (!seen.add(e.id().hex())) {
      duplicates++;
      return;
    }
    lanes.computeIfAbsent(e.author() + " " + e.scope(), k -> new java.util.ArrayList<>()).add(e);
    for (Projector p : projectors) p.apply(e, this);
  }

  /** What the store answers from its lanes: the tasks a forked lane touched from the fork on. */
  @Override
  public Set<String> taskIdsInLane(String author, String scope, long fromSeq) {
    Set<String> out = new java.util.TreeSet<>();
    for (Event e : lanes.getOrDefault(author + " " + scope, List.of())) if (e.laneSeq() >= fromSeq && e.hasTask()) out.add(e.taskId());
    return out;
  }

  @Override
  public Optional<ProjectionDoc> get(String ns, String key) {
    return Optional.ofNullable(docs.get(ns + "|" + key));
  }

  @Override
  public void put(String ns, String key, String tag, byte[] doc) {
    docs.put(ns + "|" + key, new ProjectionDoc(ns, key, tag, doc));
  }

  @Override
  public void delete(String ns, String key) {
    docs.remove(ns + "|" + key);
  }

  /** Every document, sorted, as text: what `log replay` compares. */
  String dump() {
    return dump("");
  }

  /** The documents of namespaces starting with {@code prefix}. */
  String dump(String prefix) {
    StringBuilder b = new StringBuilder();
    new TreeMap<>(docs).forEach((k, d) -> {
      if (k.startsWith(prefix)) b.append(k).append(' ').append(d.tag()).append(' ').append(d.json()).append('\n');
    });
    return b.toString();
  }

  LedgerDocs ledgerDocs(String networkId) {
    return LedgerProjector.docs(this, networkId);
  }
}
