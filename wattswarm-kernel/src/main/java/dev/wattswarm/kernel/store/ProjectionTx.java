package dev.wattswarm.kernel.store;

import java.util.Optional;

/** The projection documents as seen inside the current append transaction. */
public interface ProjectionTx {
  Optional<ProjectionDoc> get(String namespace, String key);

  void put(String namespace, String key, String tag, byte[] doc);

  void delete(String namespace, String key);
}
