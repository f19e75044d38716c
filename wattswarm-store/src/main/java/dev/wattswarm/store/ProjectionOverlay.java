package dev.wattswarm.store;

import dev.wattswarm.kernel.store.StoreException;
import dev.wattswarm.kernel.store.ProjectionDoc;
import dev.wattswarm.kernel.store.ProjectionTx;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The projections as seen inside one append transaction: reads fall through to the database on
 * the writer connection, writes collect here and are flushed as one batch before commit, so a
 * batch of events that touches one document many times writes it once.
 */
final class ProjectionOverlay implements ProjectionTx {
  private record Key(String ns, String key) {}

  /** A null value is a pending delete. */
  private final Map<Key, ProjectionDoc> pending = new LinkedHashMap<>();
  /** Hands out statements; the writer's are cached and must not be closed here. */
  interface Statements {
    PreparedStatement get(String sql) throws SQLException;
  }

  private final Statements statements;
  private final boolean cached;

  /** @param cached true for the writer's cached statements; false closes each statement after use */
  ProjectionOverlay(Statements statements, boolean cached) {
    this.statements = statements;
    this.cached = cached;
  }

  /** Events appended earlier in this transaction (not yet inserted: inserts are batched). */
  private java.util.List<dev.wattswarm.kernel.event.Event> batch = java.util.List.of();

  void batch(java.util.List<dev.wattswarm.kernel.event.Event> appendedSoFar) {
    this.batch = appendedSoFar;
  }

  @Override
  public java.util.Set<String> taskIdsInLane(String author, String scope, long fromSeq) {
    java.util.Set<String> ids = new java.util.TreeSet<>();
    for (var e : batch) {
      if (e.author().toString().equals(author) && e.scope().toString().equals(scope) && e.laneSeq() >= fromSeq
          && !e.taskId().isEmpty()) ids.add(e.taskId());
    }
    try {
      PreparedStatement ps = statements.get(
          "SELECT DISTINCT task_id FROM ws_events WHERE author = ? AND scope = ? AND lane_seq >= ? AND task_id <> ''");
      try {
        ps.setString(1, author);
        ps.setString(2, scope);
        ps.setLong(3, fromSeq);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) ids.add(rs.getString(1));
        }
      } finally {
        if (!cached) ps.close();
      }
    } catch (SQLException e) {
      throw new StoreException("reading a lane's tasks failed: " + e.getMessage(), e);
    }
    return ids;
  }

  @Override
  public Optional<ProjectionDoc> get(String namespace, String key) {
    Key k = new Key(namespace, key);
    if (pending.containsKey(k)) return Optional.ofNullable(pending.get(k));
    PreparedStatement ps = null;
    try {
      ps = statements.get("SELECT tag, doc FROM ws_projections WHERE ns = ? AND k = ?");
      ps.setString(1, namespace);
      ps.setString(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new ProjectionDoc(namespace, key, rs.getString(1), rs.getBytes(2)))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("reading projection " + namespace + "/" + key + " failed: " + e.getMessage(), e);
    } finally {
      if (!cached && ps != null) {
        try {
          ps.close();
        } catch (SQLException ignored) {
          // read-only statement
        }
      }
    }
  }

  @Override
  public void put(String namespace, String key, String tag, byte[] doc) {
    if (namespace == null || key == null || doc == null) {
      throw new IllegalArgumentException("projection namespace, key and doc are required");
    }
    pending.put(new Key(namespace, key), new ProjectionDoc(namespace, key, tag == null ? "" : tag, doc.clone()));
  }

  @Override
  public void delete(String namespace, String key) {
    pending.put(new Key(namespace, key), null);
  }

  int size() {
    return pending.size();
  }

  void flush() throws SQLException {
    if (pending.isEmpty()) return;
    {
      PreparedStatement up = statements.get(
          "INSERT INTO ws_projections (ns, k, tag, doc) VALUES (?, ?, ?, ?)"
              + " ON CONFLICT (ns, k) DO UPDATE SET tag = excluded.tag, doc = excluded.doc");
      PreparedStatement del = statements.get("DELETE FROM ws_projections WHERE ns = ? AND k = ?");
      int ups = 0;
      int dels = 0;
      for (var e : pending.entrySet()) {
        ProjectionDoc d = e.getValue();
        if (d == null) {
          del.setString(1, e.getKey().ns());
          del.setString(2, e.getKey().key());
          del.addBatch();
          dels++;
        } else {
          up.setString(1, d.namespace());
          up.setString(2, d.key());
          up.setString(3, d.tag());
          up.setBytes(4, d.doc());
          up.addBatch();
          ups++;
        }
      }
      if (dels > 0) del.executeBatch();
      if (ups > 0) up.executeBatch();
    }
    pending.clear();
  }
}
