package dev.wattswarm.economy.ledger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.task.TaskState;

/**
 * What the ledger reads and writes: its own documents (namespace {@code watt}), the task
 * projection (escrow follows task outcomes) and the lane-fork evidence. In a node it is the
 * append transaction; in tests a map.
 */
public interface LedgerDocs {
  String NS = "watt";

  /** A copy the caller may change, or null. */
  ObjectNode get(String key);

  void put(String key, String tag, ObjectNode doc);

  void delete(String key);

  /** The task's folded state, or null when the task is unknown. */
  TaskState task(String taskId);

  /** The first forked position of the author's global lane, or Long.MAX_VALUE when none is proven. */
  long laneForkedFrom(String author);

  String networkId();
}
