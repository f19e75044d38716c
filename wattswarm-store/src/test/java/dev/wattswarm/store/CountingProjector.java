package dev.wattswarm.store;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.ProjectionTx;
import dev.wattswarm.kernel.store.Projector;

/** A deterministic projector for store tests: events per author, and the last payload per lane. */
final class CountingProjector implements Projector {
  static final String COUNT = "test.count";
  static final String LAST = "test.last";

  @Override
  public void apply(Event e, ProjectionTx tx) {
    String author = e.author().toString();
    long n = tx.get(COUNT, author).map(d -> CanonicalJson.parse(d.doc()).get("n").asLong()).orElse(0L) + 1;
    tx.put(COUNT, author, n % 2 == 0 ? "even" : "odd", CanonicalJson.encode(CanonicalJson.object().put("n", n)));
    tx.put(LAST, author + "|" + e.scope(), "", e.payload());
  }
}
