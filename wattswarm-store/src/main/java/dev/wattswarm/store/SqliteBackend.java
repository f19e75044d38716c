package dev.wattswarm.store;

import dev.wattswarm.kernel.store.StoreException;
import dev.wattswarm.kernel.store.EventStore;
import dev.wattswarm.kernel.store.Projector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/** SQLite in WAL mode: one writer connection, readers that see committed snapshots concurrently. */
final class SqliteBackend {
  private SqliteBackend() {}

  static EventStore open(StoreConfig config, List<Projector> projectors) {
    Path file = config.sqlitePath().toAbsolutePath();
    String where = "the SQLite store " + file;
    Path parent = file.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new StoreException(where + " cannot be created: directory " + parent + " does not exist");
    }
    if (Files.exists(file) && !Files.isReadable(file)) {
      throw new StoreException(where + " is not readable by this user: fix its permissions");
    }
    Connection writer = null;
    try {
      writer = connect(file, config.sync());
      try (Statement st = writer.createStatement()) {
        // WAL lets readers run beside the writer; the mode is persistent in the file.
        st.execute("PRAGMA journal_mode=WAL");
      }
      Migrations.migrate(writer, Dialect.SQLITE, null, where);
      ReadPool readers = new ReadPool(() -> connect(file, config.sync()), config.readConnections());
      return new JdbcEventStore(Dialect.SQLITE, writer, readers, projectors);
    } catch (SQLException e) {
      EventStores.closeQuietly(writer);
      throw explain(where, e);
    } catch (RuntimeException e) {
      EventStores.closeQuietly(writer);
      throw e;
    }
  }

  private static Connection connect(Path file, StoreConfig.Sync sync) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout=10000");
      st.execute("PRAGMA synchronous=" + sync.name());
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  static StoreException explain(String where, SQLException e) {
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    if (m.contains("notadb") || m.contains("not a database") || m.contains("corrupt") || m.contains("malformed")) {
      return new StoreException(where + " is not a usable SQLite database (corrupt, or another program's"
          + " file): " + e.getMessage() + ". Move it aside to start an empty log, or restore it from a backup.", e);
    }
    if (m.contains("readonly") || m.contains("read-only") || m.contains("unable to open") || m.contains("cantopen")) {
      return new StoreException(where + " cannot be opened for writing: " + e.getMessage()
          + ". Check that the state directory is writable by this user.", e);
    }
    return new StoreException(where + " failed: " + e.getMessage(), e);
  }
}
