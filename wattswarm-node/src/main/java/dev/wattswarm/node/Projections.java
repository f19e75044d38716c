package dev.wattswarm.node;

import dev.wattswarm.kernel.store.Projector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/** The projections every node maintains; offline tools must open the store with the same set. */
public final class Projections {
  private Projections() {}

  public static List<Projector> all() {
    // evidence first: the task projector reads what a proof just recorded
    List<Projector> all = new ArrayList<>(List.of(new dev.wattswarm.kernel.evidence.EvidenceProjector(), new dev.wattswarm.kernel.task.TaskProjector()));
    // then those of modules above the node (the economy's ledger reads task folds), found on the class
    // path so every tool that opens a store, `log replay` included, keeps the same set; sorted for a fixed order
    ServiceLoader.load(Projector.class).stream().map(ServiceLoader.Provider::get)
        .sorted(Comparator.comparing(p -> p.getClass().getName())).forEach(all::add);
    return all;
  }
}
