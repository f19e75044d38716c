package dev.wattswarm.node.log;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.ProjectionTx;
import dev.wattswarm.kernel.store.Projector;

/** Deterministic test projector: events per scope and the last payload seen in each. */
final class TallyProjector implements Projector {
  @Override
  public void apply(Event e, ProjectionTx tx) {
    String k = e.scope().toString();
    long n = tx.get("tally", k).map(d -> CanonicalJson.parse(d.doc()).get("n").asLong()).orElse(0L) + 1;
    var doc = CanonicalJson.object().put("n", n);
    doc.set("last", CanonicalJson.parse(e.payload()));
    tx.put("tally", k, n % 2 == 0 ? "even" : "odd", CanonicalJson.encode(doc));
  }
}
