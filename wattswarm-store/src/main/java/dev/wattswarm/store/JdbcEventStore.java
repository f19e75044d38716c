package dev.wattswarm.store;

import dev.wattswarm.kernel.store.StoreException;
import dev.wattswarm.kernel.codec.EventCodec;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventId;
import dev.wattswarm.kernel.event.EventRejectedException;
import dev.wattswarm.kernel.event.EventVerifier;
import dev.wattswarm.kernel.event.LaneHead;
import dev.wattswarm.kernel.event.RejectReason;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.store.AppendOutcome;
import dev.wattswarm.kernel.store.EventFilter;
import dev.wattswarm.kernel.store.EventPage;
import dev.wattswarm.kernel.store.EventStore;
import dev.wattswarm.kernel.store.Lane;
import dev.wattswarm.kernel.store.LogVerifyReport;
import dev.wattswarm.kernel.store.ProjectionDoc;
import dev.wattswarm.kernel.store.Projector;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The event store over JDBC, the same code for SQLite and PostgreSQL. One writer connection
 * serialises appends; lane heads are cached in memory (this process is the only writer: the node
 * lock guards SQLite, an advisory lock guards a PostgreSQL schema) so continuity checks cost no
 * query; events, lane heads and projections of a batch are written with JDBC batches in one
 * transaction.
 */
final class JdbcEventStore implements EventStore {
  record LaneKey(String author, String scope) {}

  private final Dialect dialect;
  private final Connection writer;
  private final ReadPool readers;
  private final List<Projector> projectors;
  private final Map<LaneKey, LaneHead> lanes = new ConcurrentHashMap<>();
  private final Object writeLock = new Object();
  private volatile long head;
  private volatile boolean closed;
  /** Writer statements, prepared once: SQLite spends real time compiling SQL. Guarded by writeLock. */
  private final Map<String, PreparedStatement> prepared = new HashMap<>();

  private PreparedStatement writerStatement(String sql) throws SQLException {
    PreparedStatement ps = prepared.get(sql);
    if (ps == null) {
      ps = writer.prepareStatement(sql);
      prepared.put(sql, ps);
    }
    return ps;
  }

  JdbcEventStore(Dialect dialect, Connection writer, ReadPool readers, List<Projector> projectors)
      throws SQLException {
    this.dialect = dialect;
    this.writer = writer;
    this.readers = readers;
    this.projectors = List.copyOf(projectors);
    writer.setAutoCommit(false);
    try (Statement st = writer.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT author, scope, seq, head_id FROM ws_lanes")) {
        while (rs.next()) {
          lanes.put(new LaneKey(rs.getString(1), rs.getString(2)), new LaneHead(rs.getLong(3), new EventId(rs.getBytes(4))));
        }
      }
      try (ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(pos), 0) FROM ws_events")) {
        rs.next();
        head = rs.getLong(1);
      }
    }
    writer.commit();
  }

  @Override
  public List<AppendOutcome> append(List<Event> events) {
    if (events.isEmpty()) return List.of();
    synchronized (writeLock) {
      ensureOpen();
      List<AppendOutcome> out = new ArrayList<>(events.size());
      Map<LaneKey, LaneHead> touched = new HashMap<>();
      Set<EventId> inBatch = new HashSet<>();
      long pos = head;
      try {
        PreparedStatement ins = writerStatement(
            "INSERT INTO ws_events (pos, id, author, scope, lane_seq, type, task_id, clock, created_at_ms, encoded)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        ins.clearBatch();
        ProjectionOverlay overlay = new ProjectionOverlay(this::writerStatement, true);
        List<Event> appended = new ArrayList<>();
        overlay.batch(appended);
        int inserted = 0;
        for (Event e : events) {
          LaneKey lk = new LaneKey(e.author().toString(), e.scope().toString());
          LaneHead h = touched.containsKey(lk) ? touched.get(lk) : lanes.getOrDefault(lk, LaneHead.EMPTY);
          if (e.laneSeq() <= h.seq()) {
            if (inBatch.contains(e.id()) || existsForWriter(e.id())) {
              out.add(AppendOutcome.DUPLICATE);
              continue;
            }
            throw new EventRejectedException(RejectReason.FORK, "lane " + lk.author() + " " + lk.scope()
                + " already has seq " + e.laneSeq() + " with a different event");
          }
          if (e.laneSeq() > h.seq() + 1) {
            throw new EventRejectedException(RejectReason.GAP, "lane " + lk.author() + " " + lk.scope()
                + " is at seq " + h.seq() + ", event has seq " + e.laneSeq() + ": fetch the missing events first");
          }
          if (!e.prev().equals(h.id())) {
            throw new EventRejectedException(RejectReason.BAD_PREV, "event seq " + e.laneSeq()
                + " names prev " + e.prev().hex() + " but the lane head is " + h.id().hex());
          }
          pos++;
          ins.setLong(1, pos);
          ins.setBytes(2, e.id().bytes());
          ins.setString(3, lk.author());
          ins.setString(4, lk.scope());
          ins.setLong(5, e.laneSeq());
          ins.setString(6, e.type());
          ins.setString(7, e.taskId());
          ins.setLong(8, e.clock());
          ins.setLong(9, e.createdAtMs());
          ins.setBytes(10, e.encoded());
          ins.addBatch();
          inserted++;
          touched.put(lk, new LaneHead(e.laneSeq(), e.id()));
          inBatch.add(e.id());
          appended.add(e);
          for (Projector p : projectors) p.apply(e, overlay);
          out.add(AppendOutcome.APPENDED);
        }
        if (inserted > 0) {
          ins.executeBatch();
          writeLanes(touched);
          overlay.flush();
        }
        writer.commit();
      } catch (SQLException e) {
        rollback();
        throw new StoreException("append failed, nothing was stored: " + e.getMessage(), e);
      } catch (RuntimeException e) {
        rollback();
        throw e;
      }
      lanes.putAll(touched);
      head = pos;
      return out;
    }
  }

  private void writeLanes(Map<LaneKey, LaneHead> touched) throws SQLException {
    PreparedStatement ps = writerStatement(
        "INSERT INTO ws_lanes (author, scope, seq, head_id) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (author, scope) DO UPDATE SET seq = excluded.seq, head_id = excluded.head_id");
    for (var t : touched.entrySet()) {
      ps.setString(1, t.getKey().author());
      ps.setString(2, t.getKey().scope());
      ps.setLong(3, t.getValue().seq());
      ps.setBytes(4, t.getValue().id().bytes());
      ps.addBatch();
    }
    ps.executeBatch();
  }

  private boolean existsForWriter(EventId id) throws SQLException {
    PreparedStatement ps = writerStatement("SELECT 1 FROM ws_events WHERE id = ?");
    ps.setBytes(1, id.bytes());
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }

  private static boolean exists(Connection c, EventId id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM ws_events WHERE id = ?")) {
      ps.setBytes(1, id.bytes());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private void rollback() {
    try {
      writer.rollback();
    } catch (SQLException ignored) {
      // the connection is broken; the transaction is gone with it
    }
  }

  @Override
  public Optional<Event> get(EventId id) {
    return readers.with(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT encoded FROM ws_events WHERE id = ?")) {
        ps.setBytes(1, id.bytes());
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(EventCodec.decode(rs.getBytes(1))) : Optional.<Event>empty();
        }
      }
    });
  }

  @Override
  public boolean contains(EventId id) {
    return readers.with(c -> exists(c, id));
  }

  @Override
  public EventPage list(long afterPosition, int limit, EventFilter filter) {
    int lim = Math.max(1, Math.min(limit, 10_000));
    StringBuilder sql = new StringBuilder("SELECT pos, encoded FROM ws_events WHERE pos > ?");
    List<Object> args = new ArrayList<>();
    args.add(afterPosition);
    if (!filter.typePrefix().isEmpty()) {
      sql.append(" AND substr(type, 1, ?) = ?");
      args.add(filter.typePrefix().length());
      args.add(filter.typePrefix());
    }
    if (!filter.taskId().isEmpty()) {
      sql.append(" AND task_id = ?");
      args.add(filter.taskId());
    }
    if (!filter.scope().isEmpty()) {
      sql.append(" AND scope = ?");
      args.add(filter.scope());
    }
    sql.append(" ORDER BY pos LIMIT ?");
    args.add(lim);
    return readers.with(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
        List<Event> events = new ArrayList<>();
        List<Long> positions = new ArrayList<>();
        long next = afterPosition;
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            next = rs.getLong(1);
            positions.add(next);
            events.add(EventCodec.decode(rs.getBytes(2)));
          }
        }
        return new EventPage(events, positions, next);
      }
    });
  }

  @Override
  public LaneHead laneHead(NodeId author, Scope scope) {
    return lanes.getOrDefault(new LaneKey(author.toString(), scope.toString()), LaneHead.EMPTY);
  }

  @Override
  public List<Lane> lanes() {
    List<Lane> out = new ArrayList<>();
    for (var e : lanes.entrySet()) {
      out.add(new Lane(NodeId.parse(e.getKey().author()), Scope.parse(e.getKey().scope()), e.getValue()));
    }
    out.sort((a, b) -> {
      int c = a.author().toString().compareTo(b.author().toString());
      return c != 0 ? c : a.scope().toString().compareTo(b.scope().toString());
    });
    return out;
  }

  @Override
  public List<Event> laneAfter(NodeId author, Scope scope, long afterSeq, int limit) {
    return readers.with(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT encoded FROM ws_events WHERE author = ? AND scope = ?"
          + " AND lane_seq > ? ORDER BY lane_seq LIMIT ?")) {
        ps.setString(1, author.toString());
        ps.setString(2, scope.toString());
        ps.setLong(3, afterSeq);
        ps.setInt(4, Math.max(1, Math.min(limit, 10_000)));
        List<Event> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.add(EventCodec.decode(rs.getBytes(1)));
        }
        return out;
      }
    });
  }

  @Override
  public long count() {
    return head; // positions are assigned without gaps by the single writer
  }

  @Override
  public long headPosition() {
    return head;
  }

  @Override
  public Optional<ProjectionDoc> projection(String namespace, String key) {
    return readers.with(c -> new ProjectionOverlay(c::prepareStatement, false).get(namespace, key));
  }

  @Override
  public List<ProjectionDoc> projections(String namespace, String tag, String afterKey, int limit) {
    String sql = "SELECT k, tag, doc FROM ws_projections WHERE ns = ? AND k > ?"
        + (tag == null ? "" : " AND tag = ?") + " ORDER BY k LIMIT ?";
    return readers.with(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        ps.setString(i++, namespace);
        ps.setString(i++, afterKey == null ? "" : afterKey);
        if (tag != null) ps.setString(i++, tag);
        ps.setInt(i, Math.max(1, Math.min(limit, 10_000)));
        List<ProjectionDoc> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.add(new ProjectionDoc(namespace, rs.getString(1), rs.getString(2), rs.getBytes(3)));
        }
        return out;
      }
    });
  }

  @Override
  public Map<String, Long> countProjectionsByTag(String namespace) {
    return readers.with(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT tag, COUNT(*) FROM ws_projections WHERE ns = ? GROUP BY tag")) {
        ps.setString(1, namespace);
        Map<String, Long> out = new java.util.TreeMap<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.put(rs.getString(1) == null ? "" : rs.getString(1), rs.getLong(2));
        }
        return out;
      }
    });
  }

  @Override
  public void replayProjections() {
    synchronized (writeLock) {
      ensureOpen();
      try {
        try (Statement st = writer.createStatement()) {
          st.executeUpdate("DELETE FROM ws_projections");
        }
        ProjectionOverlay overlay = new ProjectionOverlay(this::writerStatement, true);
        long after = 0;
        while (true) {
          List<Event> page = new ArrayList<>();
          try (PreparedStatement ps = writer.prepareStatement(
              "SELECT pos, encoded FROM ws_events WHERE pos > ? ORDER BY pos LIMIT 2000")) {
            ps.setLong(1, after);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                after = rs.getLong(1);
                page.add(EventCodec.decode(rs.getBytes(2)));
              }
            }
          }
          if (page.isEmpty()) break;
          for (Event e : page) {
            for (Projector p : projectors) p.apply(e, overlay);
          }
          if (overlay.size() > 20_000) overlay.flush();
        }
        overlay.flush();
        writer.commit();
      } catch (SQLException e) {
        rollback();
        throw new StoreException("replay failed, projections are unchanged: " + e.getMessage(), e);
      } catch (RuntimeException e) {
        rollback();
        throw e;
      }
    }
  }

  @Override
  public String dumpProjections() {
    return readers.with(c -> {
      StringBuilder sb = new StringBuilder();
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT ns, k, tag, doc FROM ws_projections ORDER BY ns, k")) {
        while (rs.next()) {
          sb.append(rs.getString(1)).append('\t').append(rs.getString(2)).append('\t')
              .append(rs.getString(3)).append('\t')
              .append(new String(rs.getBytes(4), java.nio.charset.StandardCharsets.UTF_8)).append('\n');
        }
      }
      return sb.toString();
    });
  }

  @Override
  public LogVerifyReport verifyLog(EventVerifier verifier) {
    return readers.with(c -> LogChecker.check(c, verifier));
  }

  @Override
  public String backend() {
    return dialect.backendName();
  }

  private void ensureOpen() {
    if (closed) throw new StoreException("the store is closed");
  }

  @Override
  public void close() {
    synchronized (writeLock) {
      if (closed) return;
      closed = true;
      readers.close();
      try {
        for (PreparedStatement ps : prepared.values()) ps.close();
        writer.rollback();
        if (dialect == Dialect.POSTGRES) {
          // release the schema's advisory lock now: the server may end the session a little after
          // close returns, and a reopen in that window would see the schema as taken
          try (Statement st = writer.createStatement()) {
            st.execute("SELECT pg_advisory_unlock_all()");
          }
        }
        writer.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
  }
}
