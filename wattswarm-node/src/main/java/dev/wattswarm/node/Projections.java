package dev.wattswarm.node;

import dev.wattswarm.kernel.store.Projector;
import java.util.List;

/** The projections every node maintains; offline tools must open the store with the same set. */
public final class Projections {
  private Projections() {}

  public static List<Projector> all() {
    // evidence first: the task projector reads what a proof just recorded
    return List.of(new dev.wattswarm.kernel.evidence.EvidenceProjector(), new dev.wattswarm.kernel.task.TaskProjector());
  }
}
