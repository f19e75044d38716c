package dev.wattswarm.node.network;

import dev.wattswarm.kernel.identity.NodeId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The latest verified {@link NodeRecord} of each node of one network, bounded in size. Only
 * records that verify (signature, network, time window) get in; a record replaces an older one of
 * the same node only; expired records are dropped as they are read or swept. When full, a record
 * of a node not yet known evicts the one closest to expiry. Thread-safe.
 */
public final class NodeRecordBook {
  /** What {@link #offer} did with a record. */
  public enum Outcome { STORED, UNCHANGED, STALE }

  private final String networkId;
  private final int capacity;
  private final Map<NodeId, NodeRecord> records = new HashMap<>();

  public NodeRecordBook(String networkId, int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be positive");
    this.networkId = networkId;
    this.capacity = capacity;
  }

  public String networkId() {
    return networkId;
  }

  /**
   * Verifies and keeps a record.
   *
   * @throws IllegalArgumentException saying why the record was refused (nothing is stored)
   */
  public synchronized Outcome offer(NodeRecord r, long nowMs) {
    r.verify(networkId, nowMs);
    NodeRecord old = records.get(r.nodeId());
    if (old != null && old.expiresAtMs() > nowMs) {
      if (old.signature().equals(r.signature())) return Outcome.UNCHANGED;
      if (!r.newerThan(old)) return Outcome.STALE;
    }
    if (old == null && records.size() >= capacity) {
      sweep(nowMs);
      if (records.size() >= capacity) {
        NodeId victim = null;
        long soonest = Long.MAX_VALUE;
        for (NodeRecord x : records.values()) {
          if (x.expiresAtMs() < soonest) {
            soonest = x.expiresAtMs();
            victim = x.nodeId();
          }
        }
        if (soonest >= r.expiresAtMs()) return Outcome.STALE; // keep the longer-lived ones
        records.remove(victim);
      }
    }
    records.put(r.nodeId(), r);
    return Outcome.STORED;
  }

  public synchronized Optional<NodeRecord> get(NodeId id, long nowMs) {
    NodeRecord r = records.get(id);
    if (r == null) return Optional.empty();
    if (r.expiresAtMs() <= nowMs) {
      records.remove(id);
      return Optional.empty();
    }
    return Optional.of(r);
  }

  /** The addresses {@code id} signed, or none when no live record is known. */
  public List<String> addresses(NodeId id, long nowMs) {
    return get(id, nowMs).map(NodeRecord::addrs).orElse(List.of());
  }

  /** Every live record (a copy). */
  public synchronized List<NodeRecord> all(long nowMs) {
    sweep(nowMs);
    return new ArrayList<>(records.values());
  }

  public synchronized int size() {
    return records.size();
  }

  public synchronized void sweep(long nowMs) {
    records.values().removeIf(r -> r.expiresAtMs() <= nowMs);
  }

  /** A snapshot keyed by node, for callers that look up many. */
  public synchronized Map<NodeId, NodeRecord> snapshot(long nowMs) {
    sweep(nowMs);
    return Map.copyOf(new HashMap<>(records));
  }
}
