package dev.wattswarm.store;

import dev.wattswarm.kernel.store.StoreException;
import dev.wattswarm.kernel.store.EventStore;
import dev.wattswarm.kernel.store.Projector;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

/**
 * PostgreSQL: the node's tables live in their own schema; a session advisory lock held by the
 * writer connection keeps a second node off the same schema, as the lock file does for SQLite.
 */
final class PostgresBackend {
  private PostgresBackend() {}

  static EventStore open(StoreConfig config, List<Projector> projectors) {
    String url = jdbcUrl(config.pgUrl());
    String where = "the PostgreSQL store " + config.describe();
    Connection writer = null;
    try {
      writer = connect(url, config);
      try (Statement st = writer.createStatement()) {
        st.execute("CREATE SCHEMA IF NOT EXISTS " + config.pgSchema());
      }
      if (!lockSchema(writer, config.pgSchema())) {
        throw new StoreException(where + " is in use by another wattswarm node. Give each node its"
            + " own schema with WATTSWARM_PG_SCHEMA.");
      }
      setSchema(writer, config.pgSchema());
      Migrations.migrate(writer, Dialect.POSTGRES, config.pgSchema(), where);
      ReadPool readers = new ReadPool(() -> {
        Connection c = connect(url, config);
        setSchema(c, config.pgSchema());
        return c;
      }, config.readConnections());
      return new JdbcEventStore(Dialect.POSTGRES, writer, readers, projectors);
    } catch (SQLException e) {
      EventStores.closeQuietly(writer);
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      if (state.startsWith("08")) {
        throw new StoreException(where + " is unreachable: " + dev.wattswarm.kernel.Secrets.redact(e.getMessage())
            + ". Check WATTSWARM_PG_URL and that PostgreSQL is running.", e);
      }
      if (state.startsWith("28")) {
        throw new StoreException(where + " refused the login: " + dev.wattswarm.kernel.Secrets.redact(e.getMessage())
            + ". Check WATTSWARM_PG_USER and WATTSWARM_PG_PASSWORD.", e);
      }
      throw new StoreException(where + " failed: " + dev.wattswarm.kernel.Secrets.redact(e.getMessage()), e);
    } catch (RuntimeException e) {
      EventStores.closeQuietly(writer);
      throw e;
    }
  }

  /**
   * Takes the schema's advisory lock, trying for a couple of seconds: a node that just stopped
   * (or was killed) may hold it until the server notices its session is gone.
   */
  private static boolean lockSchema(Connection c, String schema) throws SQLException {
    for (int attempt = 0; attempt < 20; attempt++) {
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
        ps.setString(1, "wattswarm:" + schema);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getBoolean(1)) return true;
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private static void setSchema(Connection c, String schema) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SET search_path TO " + schema);
    }
  }

  private static Connection connect(String url, StoreConfig config) throws SQLException {
    Properties p = new Properties();
    if (config.pgUser() != null && !config.pgUser().isBlank()) p.setProperty("user", config.pgUser());
    if (config.pgPassword() != null) p.setProperty("password", config.pgPassword());
    p.setProperty("connectTimeout", "10");
    p.setProperty("ApplicationName", "wattswarm");
    return DriverManager.getConnection(url, p);
  }

  /** Accepts the libpq style {@code postgres://user:pw@host:port/db} the seeds use, too. */
  static String jdbcUrl(String url) {
    String u = url.trim();
    if (u.startsWith("jdbc:postgresql:")) return u;
    for (String prefix : new String[] {"postgres://", "postgresql://"}) {
      if (u.startsWith(prefix)) {
        String rest = u.substring(prefix.length());
        int at = rest.lastIndexOf('@');
        String creds = at >= 0 ? rest.substring(0, at) : "";
        String hostPart = at >= 0 ? rest.substring(at + 1) : rest;
        StringBuilder sb = new StringBuilder("jdbc:postgresql://").append(hostPart);
        if (!creds.isEmpty()) {
          int colon = creds.indexOf(':');
          String user = colon >= 0 ? creds.substring(0, colon) : creds;
          sb.append(hostPart.contains("?") ? '&' : '?').append("user=").append(user);
          if (colon >= 0) sb.append("&password=").append(creds.substring(colon + 1));
        }
        return sb.toString();
      }
    }
    throw new StoreException("WATTSWARM_PG_URL '" + dev.wattswarm.kernel.Secrets.redact(u)
        + "' is not a PostgreSQL URL: use jdbc:postgresql://host:port/db or postgres://user:pw@host:port/db");
  }
}
