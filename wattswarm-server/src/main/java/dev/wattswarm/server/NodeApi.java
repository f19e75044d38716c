package dev.wattswarm.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.Node;

/** {@code /v1/node} and {@code /v1/peers}. */
final class NodeApi {
  private final Node node;

  NodeApi(Node node) {
    this.node = node;
  }

  void register(Router r) {
    r.get("/v1/node", req -> info());
    r.get("/v1/peers", req -> CanonicalJson.object().set("peers", CanonicalJson.MAPPER.createArrayNode()));
  }

  ObjectNode info() {
    ObjectNode o = CanonicalJson.object();
    long now = node.clock().millis();
    o.put("node_id", node.nodeId().toString()).put("network_id", node.networkId())
        .put("mode", node.config().mode().wire()).put("version", node.version())
        .put("uptime_ms", now - node.startedAtMs()).put("started_at_ms", node.startedAtMs())
        .put("storage", node.store().backend()).put("events", node.store().count())
        .put("log_head", node.store().headPosition()).put("pid", ProcessHandle.current().pid());
    return o;
  }
}
