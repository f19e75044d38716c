package dev.wattswarm.node.p2p;

import dev.wattswarm.kernel.event.EventId;
import dev.wattswarm.kernel.event.LaneHead;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.store.Lane;
import dev.wattswarm.p2p.wire.WireReader;
import dev.wattswarm.p2p.wire.WireWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Backfill requests and answers: HEADS (every lane head of the scopes we share) and LANE (events of
 * one lane after a sequence, in a bounded batch).
 */
final class SyncWire {
  static final int HEADS = 1;
  static final int LANE = 2;
  static final int MAX_LANES = 100_000;

  private SyncWire() {}

  static byte[] headsRequest() {
    return new WireWriter(HEADS).done();
  }

  static byte[] laneRequest(NodeId author, Scope scope, long afterSeq, int limit) {
    return new WireWriter(LANE).node(author).string(scope.toString()).i64(afterSeq).i32(limit).done();
  }

  static byte[] headsAnswer(List<Lane> lanes) {
    WireWriter w = new WireWriter(HEADS).i32(lanes.size());
    for (Lane l : lanes) w.node(l.author()).string(l.scope().toString()).i64(l.head().seq()).fixed(l.head().id().bytes());
    return w.done();
  }

  static List<Lane> readHeads(WireReader r) {
    int n = r.i32();
    if (n < 0 || n > MAX_LANES) throw new IllegalArgumentException("heads answer with " + n + " lanes");
    List<Lane> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      NodeId author = r.node();
      Scope scope = Scope.parse(r.string(300));
      long seq = r.i64();
      out.add(new Lane(author, scope, new LaneHead(seq, new EventId(r.fixed(32)))));
    }
    return out;
  }
}
