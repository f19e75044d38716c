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
  private final java.util.function.Supplier<java.util.Map<String, Long>> agentCounters;

  /** @param network the swarm connection, or null when the node runs without networking */
  NodeApi(Node node, NetworkRuntime network, java.util.function.Supplier<java.util.Map<String, Long>> agentCounters,
      java.util.function.Supplier<java.util.Map<String, Long>> taskCounters) {
    this.node = node;
    this.network = network;
    this.agentCounters = agentCounters;
    this.taskCounters = taskCounters;
  }

  private final java.util.function.Supplier<java.util.Map<String, Long>> taskCounters;
  private java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> executors = CanonicalJson.MAPPER::createArrayNode;

  /** Lists the node's executors and their health in {@code /v1/node}. */
  NodeApi executors(java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> executors) {
    this.executors = executors;
    return this;
  }

  private volatile java.util.function.Supplier<? extends com.fasterxml.jackson.databind.JsonNode> economy;

  /** Adds the node's economy (its account, the supply check, missions) to {@code /v1/node}. */
  void economy(java.util.function.Supplier<? extends com.fasterxml.jackson.databind.JsonNode> e) {
    this.economy = e;
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
    o.set("executors", executors.get());
    o.set("defense", defense());
    if (economy != null) o.set("economy", economy.get());
    return o;
  }

  /**
   * What the node refused, dropped or counted against peers, by layer and reason: every attack the
   * node defends against shows up here (and in {@code node status --json}).
   */
  ObjectNode defense() {
    ObjectNode d = CanonicalJson.object();
    ObjectNode rejected = d.putObject("rejected_events");
    node.log().rejectedByReason().forEach(rejected::put);
    if (network != null) {
      ObjectNode sub = d.putObject("substrate");
      network.substrate().defenseCounters().forEach(sub::put);
      ObjectNode sync = d.putObject("sync");
      network.sync().counters().forEach(sync::put);
    }
    ObjectNode evidence = d.putObject("evidence");
    node.evidence().counters().forEach(evidence::put);
    evidence.put("equivocating_lanes", node.store().projections(dev.wattswarm.kernel.evidence.EvidenceProjector.NS, null, "", 10_000).size());
    ObjectNode tasks = d.putObject("tasks");
    new java.util.TreeMap<>(taskCounters.get()).forEach(tasks::put);
    ObjectNode agents = d.putObject("agents");
    agentCounters.get().forEach(agents::put);
    return d;
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
