package dev.wattswarm.store;

import dev.wattswarm.kernel.store.StoreException;
import dev.wattswarm.kernel.store.EventStore;
import dev.wattswarm.kernel.store.Projector;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Opens the configured backend, migrating it to the current schema first. */
public final class EventStores {
  private EventStores() {}

  /**
   * @throws StoreException with what is wrong and what to do: an unreadable, corrupt or foreign
   *     database, a newer schema, an unreachable PostgreSQL, a schema another node holds
   */
  public static EventStore open(StoreConfig config, List<Projector> projectors) {
    return switch (config.backend()) {
      case SQLITE -> SqliteBackend.open(config, projectors);
      case POSTGRES -> PostgresBackend.open(config, projectors);
    };
  }

  static void closeQuietly(Connection c) {
    if (c == null) return;
    try {
      c.close();
    } catch (SQLException ignored) {
      // already failing
    }
  }
}
