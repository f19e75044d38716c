package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * A peer as {@link PeerClient#listPeers} and {@link PeerClient#registry} show it (JarvisCore's
 * PeerInfo): identity, role, capabilities, status and location.
 *
 * @param status {@code idle} (nothing in progress), {@code busy} (working, room left) or {@code full}
 *     (at max_concurrent: requests to it are refused until it frees a slot)
 * @param location {@code local} (this node) or {@code remote}
 */
public record PeerInfo(String agentId, String name, Role role, Set<String> capabilities, String description, String nodeId,
    String status, String location, int load, int capacity) {

  /** The one vocabulary for an agent's status, shared by the PeerClient, REST and the CLI. */
  public static PeerInfo of(AgentRecord a, String localNodeId) {
    String status = a.full() ? "full" : a.load() > 0 ? "busy" : "idle";
    return new PeerInfo(a.agentId(), a.name(), a.role(), a.capabilities(), a.description(), a.nodeId(), status,
        a.nodeId().equals(localNodeId) ? "local" : "remote", a.load(), a.capacity());
  }

  public ObjectNode toJson() {
    ObjectNode o = new AgentRecord(agentId, name, role, capabilities, description, nodeId, load, capacity, 0).toJson();
    return o.put("status", status).put("location", location);
  }
}
