package dev.wattswarm.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.Node;

/** {@code /v1/swarm/nodes}, {@code /v1/swarm/status} and {@code /v1/swarm/leader}: PicoClaw's swarm view. */
final class SwarmApi {
  private final Node node;
  private final SwarmParts parts;

  SwarmApi(Node node, SwarmParts parts) {
    this.node = node;
    this.parts = parts;
  }

  void register(Router r) {
    r.get("/v1/swarm/nodes", req -> nodes());
    r.get("/v1/swarm/status", req -> status());
    r.get("/v1/swarm/leader", req -> leader());
  }

  ObjectNode nodes() {
    ObjectNode o = CanonicalJson.object();
    ArrayNode arr = o.putArray("nodes");
    parts.view().nodes().forEach(arr::add);
    return o;
  }

  ObjectNode leader() {
    var l = parts.leader();
    ObjectNode o = l.current().toJson(node.nodeId(), node.clock().millis(), l.kind());
    o.put("held_term", l.heldTerm());
    return o;
  }

  ObjectNode status() {
    ObjectNode o = CanonicalJson.object();
    var cfg = parts.view().config();
    ObjectNode self = parts.view().nodes().get(0);
    o.put("node_id", node.nodeId().toString()).put("network_id", node.networkId()).put("role", self.path("role").asText())
        .put("status", self.path("status").asText()).put("load", self.path("load").asInt()).put("capacity", self.path("capacity").asInt())
        .put("uptime_ms", node.clock().millis() - node.startedAtMs());
    ObjectNode sub = o.putObject("substrate");
    var net = parts.network();
    sub.put("kind", net == null ? "none" : cfg.substrate().wire());
    if (net != null && net.natsLink() != null) {
      var l = net.natsLink();
      sub.put("connected", l.connected()).put("status", l.status()).put("server", l.server()).put("urls", l.config().display())
          .put("reconnects", l.reconnects());
      sub.put("healthy", l.connected());
    } else if (net != null) {
      int peers = net.peers().size();
      sub.put("connected", peers > 0).put("peers", peers).put("address", net.advertisedAddress()).put("healthy", peers > 0);
    } else {
      sub.put("connected", false).put("healthy", true);
    }
    ObjectNode t = parts.view().totals();
    o.put("nodes", t.path("total").asInt()).put("online", t.path("online").asInt()).put("busy", t.path("busy").asInt())
        .put("offline", t.path("offline").asInt());
    o.set("totals", t);
    o.put("heartbeat_ms", cfg.heartbeatMs()).put("node_timeout_ms", cfg.nodeTimeoutMs()).put("preset", cfg.preset());
    var lease = parts.leader().current();
    o.set("recent_tasks", parts.recent().toJson());
    ObjectNode vc = o.putObject("view_counters");
    parts.view().counters().forEach(vc::put);
    o.put("leader", lease.leader() == null ? "" : lease.leader().toString()).put("leader_term", lease.term());
    return o;
  }
}
