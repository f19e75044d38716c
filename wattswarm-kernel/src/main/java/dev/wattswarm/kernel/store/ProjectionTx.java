package dev.wattswarm.kernel.store;

import java.util.Optional;

/** The projection documents as seen inside the current append transaction. */
public interface ProjectionTx {
  Optional<ProjectionDoc> get(String namespace, String key);

  void put(String namespace, String key, String tag, byte[] doc);

  void delete(String namespace, String key);

  /**
   * Task ids of the events in one lane from {@code fromSeq} on, among the events stored and those
   * appended earlier in this transaction: what a lane proven forked at {@code fromSeq} touched.
   */
  default java.util.Set<String> taskIdsInLane(String author, String scope, long fromSeq) {
    return java.util.Set.of();
  }
}
