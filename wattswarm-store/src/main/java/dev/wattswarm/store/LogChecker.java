package dev.wattswarm.store;

import dev.wattswarm.kernel.codec.EventCodec;
import dev.wattswarm.kernel.codec.MalformedEventException;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventId;
import dev.wattswarm.kernel.event.EventRejectedException;
import dev.wattswarm.kernel.event.EventVerifier;
import dev.wattswarm.kernel.event.LaneHead;
import dev.wattswarm.kernel.event.RejectReason;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Re-checks a stored log from its bytes: each row decodes, its columns agree with its content, its
 * id and signature verify, and every lane runs 1, 2, 3 ... with each prev naming the one before.
 */
final class LogChecker {
  private static final int MAX_PROBLEMS = 1000;

  private LogChecker() {}

  static dev.wattswarm.kernel.store.LogVerifyReport check(Connection c, EventVerifier verifier) throws SQLException {
    List<String> problems = new ArrayList<>();
    Map<JdbcEventStore.LaneKey, LaneHead> seen = new HashMap<>();
    long checked = 0;
    long after = 0;
    while (true) {
      int rows = 0;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT pos, id, author, scope, lane_seq, encoded FROM ws_events WHERE pos > ? ORDER BY pos LIMIT 2000")) {
        ps.setLong(1, after);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows++;
            checked++;
            after = rs.getLong(1);
            checkRow(rs, after, verifier, seen, problems);
          }
        }
      }
      if (rows == 0) break;
    }
    Map<JdbcEventStore.LaneKey, LaneHead> stored = new HashMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT author, scope, seq, head_id FROM ws_lanes")) {
      while (rs.next()) {
        stored.put(new JdbcEventStore.LaneKey(rs.getString(1), rs.getString(2)),
            new LaneHead(rs.getLong(3), new EventId(rs.getBytes(4))));
      }
    }
    if (!stored.equals(seen)) {
      add(problems, "lane heads table disagrees with the log: " + stored.size() + " stored lanes, "
          + seen.size() + " in the log");
    }
    return new dev.wattswarm.kernel.store.LogVerifyReport(checked, seen.size(), problems);
  }

  private static void checkRow(ResultSet rs, long pos, EventVerifier verifier,
      Map<JdbcEventStore.LaneKey, LaneHead> seen, List<String> problems) throws SQLException {
    byte[] rowId = rs.getBytes(2);
    Event e;
    try {
      e = EventCodec.decode(rs.getBytes(6));
    } catch (MalformedEventException ex) {
      add(problems, "pos " + pos + " " + hex(rowId) + " MALFORMED " + ex.getMessage());
      return;
    }
    if (!Arrays.equals(rowId, e.id().bytes()) || !e.author().toString().equals(rs.getString(3))
        || !e.scope().toString().equals(rs.getString(4)) || e.laneSeq() != rs.getLong(5)) {
      add(problems, "pos " + pos + " " + hex(rowId) + " BAD_ID row columns do not match the stored event");
    }
    try {
      verifier.verify(e);
    } catch (EventRejectedException ex) {
      add(problems, "pos " + pos + " " + e.id().hex() + " " + ex.reason() + " " + ex.getMessage());
    }
    var lk = new JdbcEventStore.LaneKey(e.author().toString(), e.scope().toString());
    LaneHead prev = seen.getOrDefault(lk, LaneHead.EMPTY);
    if (e.laneSeq() != prev.seq() + 1) {
      add(problems, "pos " + pos + " " + e.id().hex() + " " + RejectReason.GAP + " lane " + lk.scope()
          + " of " + lk.author() + " jumps from seq " + prev.seq() + " to " + e.laneSeq());
    } else if (!e.prev().equals(prev.id())) {
      add(problems, "pos " + pos + " " + e.id().hex() + " " + RejectReason.BAD_PREV + " prev does not name seq "
          + prev.seq());
    }
    seen.put(lk, new LaneHead(e.laneSeq(), e.id()));
  }

  private static String hex(byte[] b) {
    return b == null || b.length != 32 ? "?" : new EventId(b).hex();
  }

  private static void add(List<String> problems, String line) {
    if (problems.size() < MAX_PROBLEMS) problems.add(line);
  }
}
