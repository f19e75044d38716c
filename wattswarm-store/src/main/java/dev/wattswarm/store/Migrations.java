package dev.wattswarm.store;

import dev.wattswarm.kernel.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Brings a database to the current schema, and refuses one that is not ours. Versioned SQL files
 * are applied in order inside one transaction each; the version reached is kept in ws_meta.
 */
final class Migrations {
  static final String PRODUCT = "wattswarm";
  /** In order; a file is never edited once released, only followed by a new one. */
  static final List<String> FILES = List.of("V001__log.sql");

  private Migrations() {}

  static int latest() {
    return FILES.size();
  }

  /**
   * @param where human description of the database for error messages
   * @param schema PostgreSQL schema, or null for SQLite
   */
  static void migrate(Connection c, Dialect dialect, String schema, String where) throws SQLException {
    List<String> tables = tables(c, schema);
    int version;
    if (tables.contains("ws_meta")) {
      version = currentVersion(c, where);
    } else if (tables.isEmpty()) {
      version = 0;
    } else {
      throw new StoreException(where + " holds tables that are not wattswarm's (" + String.join(", ",
          tables.subList(0, Math.min(5, tables.size()))) + "). Point the node at an empty location:"
          + " another --state-dir, WATTSWARM_SQLITE_PATH, or WATTSWARM_PG_SCHEMA.");
    }
    if (version > latest()) {
      throw new StoreException(where + " has schema version " + version + " but this wattswarm knows"
          + " only up to " + latest() + ": it was written by a newer release. Upgrade wattswarm.");
    }
    for (int v = version + 1; v <= latest(); v++) {
      apply(c, dialect, v);
    }
  }

  private static int currentVersion(Connection c, String where) throws SQLException {
    String product = null;
    int version = -1;
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT k, v FROM ws_meta")) {
      while (rs.next()) {
        switch (rs.getString(1)) {
          case "product" -> product = rs.getString(2);
          case "schema_version" -> version = Integer.parseInt(rs.getString(2));
          default -> {}
        }
      }
    } catch (NumberFormatException e) {
      version = -1;
    }
    if (!PRODUCT.equals(product) || version < 1) {
      throw new StoreException(where + " has a ws_meta table that wattswarm did not write; it is"
          + " not a wattswarm store. Point the node at an empty location.");
    }
    return version;
  }

  private static void apply(Connection c, Dialect dialect, int version) throws SQLException {
    String file = FILES.get(version - 1);
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      for (String sql : statements(dialect.render(read(file)))) {
        st.execute(sql);
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO ws_meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v")) {
        ps.setString(1, "product");
        ps.setString(2, PRODUCT);
        ps.addBatch();
        ps.setString(1, "schema_version");
        ps.setString(2, Integer.toString(version));
        ps.addBatch();
        ps.executeBatch();
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
  }

  static List<String> tables(Connection c, String schema) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = c.getMetaData().getTables(null, schema, "%", new String[] {"TABLE"})) {
      while (rs.next()) out.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
    }
    return out;
  }

  private static String read(String file) {
    try (InputStream in = Migrations.class.getResourceAsStream("migrations/" + file)) {
      if (in == null) throw new StoreException("migration " + file + " is missing from the build");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StoreException("cannot read migration " + file, e);
    }
  }

  /** Splits on ';' at line ends; comments are dropped. Our migrations contain no procedural SQL. */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : script.split("\n")) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("--")) continue;
      cur.append(line).append('\n');
      if (t.endsWith(";")) {
        String s = cur.toString().strip();
        out.add(s.substring(0, s.length() - 1));
        cur.setLength(0);
      }
    }
    if (!cur.toString().isBlank()) out.add(cur.toString().strip());
    return out;
  }
}
