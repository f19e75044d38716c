package dev.wattswarm.nats;

import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.Substrate;
import dev.wattswarm.p2p.limits.DefenseCounters;
import dev.wattswarm.p2p.transport.Scheduler;
import dev.wattswarm.p2p.wire.WireReader;
import dev.wattswarm.p2p.wire.WireWriter;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is in the network, as NATS carries it: every node signs a small record (its id, the time,
 * the scopes it holds) and both publishes it on the heartbeat subject and keeps it in the
 * network's KV bucket, where a starting node reads who is there. A record counts only with a valid
 * signature by the node it names, for this network, stamped near our time and later than the last
 * one from that node, so a replayed record cannot keep a dead node alive. Silence for the member
 * timeout, or a signed goodbye, takes a node out. Runs on the substrate's scheduler thread.
 */
final class Members {
  private static final Logger log = LoggerFactory.getLogger(Members.class);
  /** The member record of the first NATS protocol (no version field), which this build no longer speaks. */
  static final int RECORD_V1 = 0x53;
  /** A member record that names its protocol version. */
  static final int RECORD = 0x57;
  /**
   * The NATS protocol this build speaks: request/reply on per-request reply subjects and signed
   * goodbyes came in version 2. Nodes of other versions cannot work together; each side says so.
   */
  static final int PROTOCOL = 2;
  private static final int MAX_SCOPES = 64;

  record Member(NodeId id, long stampMs, long heardMs, List<String> scopes) {}

  private final Connection conn;
  private final KeyValue kv;
  private final KeyPair key;
  private final NodeId me;
  private final String networkId;
  private final Scheduler scheduler;
  private final NatsConfig cfg;
  private final DefenseCounters counters;
  private final Supplier<List<String>> myScopes;
  private final Map<NodeId, Member> members = new HashMap<>();
  /** Read from any thread: the live members, refreshed on every change. */
  private volatile Map<NodeId, Member> snapshot = Map.of();
  private final Map<NodeId, Long> lastStamp = new ConcurrentHashMap<>();
  private final List<Substrate.MembershipListener> listeners = new CopyOnWriteArrayList<>();
  /** Nodes of another protocol already named in the log (bounded). */
  private final Set<NodeId> warnedProtocol = new java.util.HashSet<>();
  /**
   * Members that were live and said goodbye (signed), until they beat again: a request to one
   * fails at once instead of waiting out its timeout. Only a node seen live gets here, so neither a
   * node not heard from yet nor a replayed goodbye of one never seen stops anyone asking it.
   * Bounded like the member table; the oldest are forgotten first (and are then asked as usual).
   */
  private final Map<NodeId, Boolean> gone = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<NodeId, Boolean> e) {
      return size() > Members.this.cfg.maxMembers();
    }
  });

  Members(Connection conn, KeyValue kv, KeyPair key, String networkId, Scheduler scheduler, NatsConfig cfg, DefenseCounters counters,
      Supplier<List<String>> myScopes) {
    this.conn = conn;
    this.kv = kv;
    this.key = key;
    this.me = key.id();
    this.networkId = networkId;
    this.scheduler = scheduler;
    this.cfg = cfg;
    this.counters = counters;
    this.myScopes = myScopes;
  }

  private String domain() {
    return "wattswarm/nats/member/" + networkId;
  }

  void addListener(Substrate.MembershipListener l) {
    listeners.add(l);
  }

  Map<NodeId, Member> live() {
    return snapshot;
  }

  /** Whether {@code id} was live and said goodbye since (false when live, silent, or never seen). */
  boolean saidGoodbye(NodeId id) {
    return gone.containsKey(id);
  }

  /** Reads the records already in the bucket (call on the scheduler thread). */
  void load() {
    try {
      for (String k : kv.keys("node.>")) {
        KeyValueEntry e = kv.get(k);
        if (e != null && e.getValue() != null) accept(e.getValue());
      }
    } catch (Exception e) {
      log.warn("nats: cannot read member records: {}", NatsLink.oneLine(e));
    }
  }

  byte[] record(boolean leaving) {
    List<String> scopes = myScopes.get();
    WireWriter w = new WireWriter(RECORD).u8(PROTOCOL).node(me).string(networkId).i64(scheduler.now()).u8(leaving ? 1 : 0).i32(scopes.size());
    for (String s : scopes) w.string(s);
    return Signed.sign(key, domain(), w.done());
  }

  /** Our heartbeat: on the subject for the living, in the bucket for those who start later. */
  void beat() {
    byte[] r = record(false);
    conn.publish(NatsNames.heartbeats(networkId), r);
    try {
      kv.put(NatsNames.memberKey(me), r);
    } catch (Exception e) {
      counters.inc("member_record_write_failed");
    }
  }

  void goodbye() {
    try {
      conn.publish(NatsNames.heartbeats(networkId), record(true));
      kv.delete(NatsNames.memberKey(me));
    } catch (Exception e) {
      // leaving anyway: the others time us out
    }
  }

  /** A record from the heartbeat subject or the bucket. */
  void accept(byte[] frame) {
    if (frame.length > 16 * 1024) {
      counters.inc("rejected_members.oversized");
      return;
    }
    NodeId id;
    long stamp;
    boolean leaving;
    List<String> scopes = new ArrayList<>();
    try {
      byte[] body = Signed.body(frame);
      if (body == null) throw new IllegalArgumentException("short");
      WireReader r = new WireReader(body);
      int type = r.u8();
      if (type == RECORD_V1) {
        otherProtocol(r.node(), 1);
        return;
      }
      if (type != RECORD) throw new IllegalArgumentException("type");
      int version = r.u8();
      if (version != PROTOCOL) {
        otherProtocol(r.node(), version);
        return;
      }
      id = r.node();
      if (!r.string(300).equals(networkId)) {
        counters.inc("rejected_members.wrong_network");
        return;
      }
      stamp = r.i64();
      leaving = r.u8() == 1;
      int n = r.i32();
      if (n < 0 || n > MAX_SCOPES) throw new IllegalArgumentException("scopes");
      for (int i = 0; i < n; i++) scopes.add(r.string(300));
    } catch (RuntimeException e) {
      counters.inc("rejected_members.malformed");
      return;
    }
    if (id.equals(me)) return;
    if (!Signed.verify(id, domain(), frame)) {
      counters.inc("rejected_members.bad_signature");
      return;
    }
    long now = scheduler.now();
    if (stamp > now + cfg.requestSkewMs() || (!leaving && stamp < now - cfg.memberTimeoutMs())) {
      counters.inc("rejected_members.stale");
      return;
    }
    Long last = lastStamp.get(id);
    if (last != null && stamp <= last) return; // a replay, or the bucket's copy of a heartbeat we had
    if (leaving) {
      lastStamp.put(id, stamp);
      if (members.remove(id) != null) {
        gone.put(id, Boolean.TRUE);
        changed(id, false);
      }
      return;
    }
    if (!members.containsKey(id) && members.size() >= cfg.maxMembers()) {
      counters.inc("rejected_members.table_full");
      return;
    }
    lastStamp.put(id, stamp);
    if (lastStamp.size() > 4 * cfg.maxMembers()) lastStamp.keySet().retainAll(Set.copyOf(members.keySet()));
    boolean fresh = members.put(id, new Member(id, stamp, now, List.copyOf(scopes))) == null;
    if (fresh) {
      gone.remove(id);
      changed(id, true);
    } else {
      snapshot = Map.copyOf(members);
    }
  }

  /**
   * A record of a node that speaks another NATS protocol (an older or newer build). It is not a
   * member, since neither side understands the other's requests; the operator is told once per
   * node (the claim is unsigned as far as we can judge it, so it changes nothing but a log line).
   */
  private void otherProtocol(NodeId id, int version) {
    counters.inc("rejected_members.other_protocol");
    if (id.equals(me) || warnedProtocol.size() >= 256 || !warnedProtocol.add(id)) return;
    log.warn("nats: node {} speaks wattswarm NATS protocol {}, this node speaks {}: they cannot work together; run the same "
        + "wattswarm release on every node of the network", id, version, PROTOCOL);
  }

  /** Drops the members not heard from within the timeout. */
  void expire() {
    long now = scheduler.now();
    for (Member m : List.copyOf(members.values())) {
      if (now - m.heardMs() > cfg.memberTimeoutMs()) {
        // no mark as gone: heartbeats lapse on live nodes too (a server failover, a pause), and a
        // node whose connection really died is told by the server's "no responders" anyway
        members.remove(m.id());
        changed(m.id(), false);
      }
    }
  }

  private void changed(NodeId id, boolean up) {
    snapshot = Map.copyOf(members);
    log.info("nats: member {} {}", id, up ? "up" : "down");
    for (Substrate.MembershipListener l : listeners) {
      try {
        if (up) l.peerUp(id);
        else l.peerDown(id);
      } catch (RuntimeException e) {
        counters.inc("listener_failures");
      }
    }
  }
}
