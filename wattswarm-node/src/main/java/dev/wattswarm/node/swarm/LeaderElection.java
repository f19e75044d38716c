package dev.wattswarm.node.swarm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.json.CanonicalJson;

/**
 * One owner for swarm-wide duties (sweeping tasks whose coordinator is gone), by lease: the leader
 * holds a term until its lease expires, renews it while alive, and a dead leader's lease runs out
 * so another node takes the next term. Fencing is by term: a duty is done only while
 * {@link #heldTerm()} returns the term it is done under, which a stale leader's clock ends.
 */
public interface LeaderElection extends AutoCloseable {
  /** The lease as this node last saw it. */
  record Lease(NodeId leader, long term, long expiresAtMs) {
    public ObjectNode toJson(NodeId me, long nowMs, String kind) {
      ObjectNode o = CanonicalJson.object();
      o.put("leader", leader == null ? "" : leader.toString()).put("term", term).put("lease_expires_at_ms", expiresAtMs)
          .put("lease_remaining_ms", Math.max(0, expiresAtMs - nowMs)).put("is_me", me.equals(leader)).put("election", kind);
      return o;
    }
  }

  Lease NONE = new Lease(null, 0, 0);

  /** The valid lease now, or {@link #NONE}. */
  Lease current();

  /** This node's term while it holds a lease it may act under, else -1. */
  long heldTerm();

  /** nats-kv or p2p-gossip. */
  String kind();

  @Override
  void close();
}
