package dev.wattswarm.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.p2p.NetworkRuntime;

/** {@code /v1/node} and {@code /v1/peers}. */
final class NodeApi {
  private final Node node;
  private final NetworkRuntime network;

  /** @param network the swarm connection, or null when the node runs without networking */
  NodeApi(Node node, NetworkRuntime network) {
    this.node = node;
    this.network = network;
  }

  void register(Router r) {
    r.get("/v1/node", req -> info());
    r.get("/v1/peers", req -> peers());
  }

  ObjectNode info() {
    ObjectNode o = CanonicalJson.object();
    long now = node.clock().millis();
    o.put("node_id", node.nodeId().toString()).put("network_id", node.networkId())
        .put("mode", node.config().mode().wire()).put("version", node.version())
        .put("uptime_ms", now - node.startedAtMs()).put("started_at_ms", node.startedAtMs())
        .put("storage", node.store().backend()).put("events", node.store().count())
        .put("log_head", node.store().headPosition()).put("pid", ProcessHandle.current().pid());
    if (network != null) {
      o.put("p2p_addr", network.advertisedAddress());
      ArrayNode scopes = o.putArray("scopes");
      network.scopes().forEach(s -> scopes.add(s.toString()));
      o.put("peers", network.peers().size());
      o.put("gossip_received", network.sync().received()).put("backfilled", network.sync().backfilled())
          .put("refused_events", network.sync().refused()).put("rejected_peers", network.substrate().rejectedPeers())
          .put("late_replies", network.substrate().lateResponses());
    }
    return o;
  }

  ObjectNode peers() {
    ObjectNode o = CanonicalJson.object();
    ArrayNode arr = o.putArray("peers");
    if (network != null) {
      network.peers().forEach((id, info) -> arr.addObject().put("node_id", id.toString()).put("address", info.address())
          .put("status", "connected"));
    }
    return o;
  }
}
