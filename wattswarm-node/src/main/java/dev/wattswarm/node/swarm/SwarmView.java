package dev.wattswarm.node.swarm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.Node;
import dev.wattswarm.p2p.Substrate;
import dev.wattswarm.p2p.gossip.Verdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PicoClaw's node-level swarm view, on either substrate: every node announces a signed
 * {@link NodeRecord} on {@code {network}.global.nodes} each heartbeat, and keeps a table of the
 * nodes it heard, shown online, busy (load at capacity) or offline (silent for the node timeout,
 * or said goodbye). A node stays in the table while offline so {@code swarm nodes} can show it;
 * the table is bounded, the longest-silent offline node going first. Logs "Node joined swarm" and
 * "Node marked offline" as the seed does.
 */
public final class SwarmView implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SwarmView.class);
  public static final int MAX_NODES = 4096;

  /** What this node says about itself, asked at each heartbeat. */
  public record Self(String role, int load, int capacity, List<String> agents) {}

  private static final class Entry {
    NodeRecord record;
    long lastSeenMs;
    boolean offlineLogged;
  }

  private final Node node;
  private final Substrate substrate;
  private final SwarmConfig cfg;
  private final Supplier<Self> self;
  private final String topic;
  private final Map<NodeId, Entry> table = new LinkedHashMap<>();
  private final Map<String, Long> counters = new java.util.concurrent.ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      r -> Thread.ofPlatform().name("ws-swarm-view").daemon(true).unstarted(r));
  private volatile boolean closed;

  /** @param substrate null for a node without networking: the view then holds only this node */
  public SwarmView(Node node, Substrate substrate, SwarmConfig cfg, Supplier<Self> self) {
    this.node = node;
    this.substrate = substrate;
    this.cfg = cfg;
    this.self = self;
    this.topic = node.networkId() + ".global.nodes";
    if (substrate != null) {
      substrate.subscribe(topic, (from, id, payload) -> judge(id, payload), (t, id, payload, from) -> accept(payload));
      timer.scheduleWithFixedDelay(this::beat, 0, cfg.heartbeatMs(), TimeUnit.MILLISECONDS);
    }
    timer.scheduleWithFixedDelay(this::sweep, cfg.heartbeatMs(), Math.min(cfg.heartbeatMs(), 1_000), TimeUnit.MILLISECONDS);
  }

  public SwarmConfig config() {
    return cfg;
  }

  private Verdict judge(byte[] id, byte[] payload) {
    if (!java.util.Arrays.equals(id, Hashes.sha256(payload))) return Verdict.reject("id_mismatch");
    try {
      NodeRecord.verify(payload, node.networkId());
      return Verdict.ACCEPT;
    } catch (IllegalArgumentException e) {
      return Verdict.reject("node_record_" + e.getMessage());
    }
  }

  private NodeRecord mine(boolean leaving) {
    Self s = self.get();
    return new NodeRecord(node.nodeId(), node.networkId(), node.clock().millis(), node.startedAtMs(), s.role(), s.load(), s.capacity(),
        s.agents(), cfg.substrate().wire(), leaving);
  }

  private void beat() {
    if (closed) return;
    try {
      byte[] b = mine(false).sign(node.key());
      substrate.publish(topic, Hashes.sha256(b), b);
    } catch (RuntimeException e) {
      count("heartbeat_failures");
    }
  }

  /** A verified record from the substrate; also reachable from tests. */
  public void accept(byte[] payload) {
    NodeRecord r;
    try {
      r = NodeRecord.verify(payload, node.networkId());
    } catch (IllegalArgumentException e) {
      count("rejected_records." + e.getMessage());
      return;
    }
    if (r.nodeId().equals(node.nodeId())) return;
    long now = node.clock().millis();
    if (r.stampMs() > now + cfg.nodeTimeoutMs()) {
      count("rejected_records.from_the_future");
      return;
    }
    synchronized (table) {
      Entry e = table.get(r.nodeId());
      if (e != null && r.stampMs() <= e.record.stampMs()) {
        count("stale_records"); // a replay or a reordered copy: never moves a node back in time
        return;
      }
      if (e == null) {
        if (table.size() >= MAX_NODES && !evictOneOffline(now)) {
          count("rejected_records.table_full");
          return;
        }
        e = new Entry();
        table.put(r.nodeId(), e);
      }
      boolean wasOffline = e.record == null || e.offlineLogged;
      e.record = r;
      e.lastSeenMs = now;
      if (r.leaving()) {
        if (!e.offlineLogged) log.info("Node marked offline: {} (said goodbye)", r.nodeId());
        e.offlineLogged = true;
      } else {
        e.offlineLogged = false;
        if (wasOffline) log.info("Node joined swarm: {} (role {}, capacity {})", r.nodeId(), r.role(), r.capacity());
      }
    }
  }

  private boolean evictOneOffline(long now) {
    NodeId victim = null;
    long oldest = Long.MAX_VALUE;
    for (var en : table.entrySet()) {
      if (offline(en.getValue(), now) && en.getValue().lastSeenMs < oldest) {
        oldest = en.getValue().lastSeenMs;
        victim = en.getKey();
      }
    }
    if (victim == null) return false;
    table.remove(victim);
    return true;
  }

  private boolean offline(Entry e, long now) {
    return e.record.leaving() || now - e.lastSeenMs > cfg.nodeTimeoutMs();
  }

  private void sweep() {
    long now = node.clock().millis();
    synchronized (table) {
      for (var en : table.entrySet()) {
        Entry e = en.getValue();
        if (!e.offlineLogged && offline(e, now)) {
          e.offlineLogged = true;
          log.info("Node marked offline: {} (silent for {} ms)", en.getKey(), now - e.lastSeenMs);
        }
      }
    }
  }

  private static String status(boolean offline, int load, int capacity) {
    if (offline) return "offline";
    return capacity > 0 && load >= capacity ? "busy" : "online";
  }

  private ObjectNode row(NodeRecord r, long lastSeen, boolean offline, boolean me) {
    ObjectNode o = CanonicalJson.object();
    o.put("node_id", r.nodeId().toString()).put("role", r.role()).put("status", status(offline, r.load(), r.capacity()))
        .put("load", r.load()).put("capacity", r.capacity()).put("last_seen_ms", lastSeen).put("started_ms", r.startedMs())
        .put("substrate", r.substrate()).put("self", me);
    ArrayNode a = o.putArray("agents");
    r.agents().forEach(a::add);
    return o;
  }

  /** Every node in the view, this one first, then by node id. */
  public List<ObjectNode> nodes() {
    long now = node.clock().millis();
    List<ObjectNode> out = new ArrayList<>();
    out.add(row(mine(false), now, false, true));
    List<ObjectNode> others = new ArrayList<>();
    synchronized (table) {
      for (Entry e : table.values()) others.add(row(e.record, e.lastSeenMs, offline(e, now), false));
    }
    others.sort(Comparator.comparing(o -> o.path("node_id").asText()));
    out.addAll(others);
    return out;
  }

  /** Totals: nodes, online, busy, offline, capacity and load over the nodes not offline. */
  public ObjectNode totals() {
    int online = 0;
    int busy = 0;
    int offline = 0;
    int load = 0;
    int cap = 0;
    Map<String, Integer> roles = new java.util.TreeMap<>();
    List<ObjectNode> all = nodes();
    for (ObjectNode n : all) {
      switch (n.path("status").asText()) {
        case "offline" -> offline++;
        case "busy" -> busy++;
        default -> online++;
      }
      if (!n.path("status").asText().equals("offline")) {
        load += n.path("load").asInt();
        cap += n.path("capacity").asInt();
        roles.merge(n.path("role").asText(), 1, Integer::sum);
      }
    }
    ObjectNode o = CanonicalJson.object();
    o.put("total", all.size()).put("online", online).put("busy", busy).put("offline", offline).put("load", load).put("capacity", cap);
    ObjectNode r = o.putObject("roles");
    roles.forEach(r::put);
    return o;
  }

  private void count(String k) {
    counters.merge(k, 1L, Long::sum);
  }

  public Map<String, Long> counters() {
    return new java.util.TreeMap<>(counters);
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    timer.shutdownNow();
    if (substrate != null) {
      try {
        byte[] b = mine(true).sign(node.key());
        substrate.publish(topic, Hashes.sha256(b), b);
      } catch (RuntimeException ignored) {
        // leaving anyway: the others time us out
      }
    }
  }
}
