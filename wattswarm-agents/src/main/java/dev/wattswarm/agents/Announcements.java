package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.Node;
import dev.wattswarm.p2p.Substrate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's announcement of its agents on {@code {network}.global.agents}, and the checks on
 * other nodes' announcements. The node signs the announcement; each agent signs its own entry,
 * naming the node that hosts it. An entry is kept only when its agent signed it and it names the
 * announcing node, so a node can neither invent agents with ids it has no key for nor claim
 * another node's agents (whose signed entries it may have seen on the topic).
 */
final class Announcements {
  private static final Logger log = LoggerFactory.getLogger(Announcements.class);

  private final Node node;
  private final Substrate substrate;
  private final AgentConfig config;
  private final AgentRegistry registry;
  private final AgentCounters counters;
  private final Predicate<String> ours;

  Announcements(Node node, Substrate substrate, AgentConfig config, AgentRegistry registry, AgentCounters counters, Predicate<String> ours) {
    this.node = node;
    this.substrate = substrate;
    this.config = config;
    this.registry = registry;
    this.counters = counters;
    this.ours = ours;
  }

  /** This node's announcement of {@code agents}, each entry signed by its agent. */
  byte[] build(List<LocalAgent> agents, List<AgentRecord> records) {
    long now = node.clock().millis();
    ObjectNode env = AgentWire.header(AgentWire.ANNOUNCE, node.networkId(), now).put("node_id", node.nodeId().toString());
    ArrayNode arr = env.putArray("agents");
    for (int i = 0; i < agents.size(); i++) {
      ObjectNode entry = AgentWire.header(AgentWire.ENTRY, node.networkId(), now);
      entry.setAll(records.get(i).toJson());
      arr.add(AgentWire.seal(agents.get(i).key(), entry));
    }
    return CanonicalJson.encode(AgentWire.seal(node.key(), env));
  }

  void accept(byte[] payload) {
    NodeId from = null;
    try {
      JsonNode sealed = AgentWire.open(payload, 0, config.maxMessageBytes(), "announcement");
      JsonNode env = sealed.get("env");
      from = NodeId.parse(env.path("node_id").asText());
      if (from.equals(node.nodeId())) return;
      if (!AgentWire.ANNOUNCE.equals(env.path("kind").asText()) || !node.networkId().equals(env.path("network_id").asText())) {
        throw new AgentWire.Refused(AgentCounters.MISADDRESSED, "not an agent announcement of this network");
      }
      if (!AgentWire.signedBy(sealed, from.toString())) {
        // a relay may pass on what it cannot check: no strike, only the count
        counters.inc(AgentCounters.BAD_SIGNATURES);
        return;
      }
      long at = env.path("at_ms").asLong(Long.MIN_VALUE / 2);
      long now = node.clock().millis();
      if (Math.abs(now - at) > config.skewMs() || !registry.newer(from.toString(), at)) {
        // an old announcement again (a replay, or gossip's lazy repair delivering late): applying it would bring
        // back stale load or departed agents; counted apart from request replays, which only an attacker makes
        counters.inc(AgentCounters.STALE_ANNOUNCEMENTS);
        return;
      }
      registry.replaceRemote(from.toString(), entries(from, env.path("agents"), now), at);
    } catch (AgentWire.Refused r) {
      counters.inc(r.counter);
      log.info("agent announcement refused: {}", r.getMessage());
    } catch (RuntimeException malformed) {
      counters.inc(AgentCounters.BAD_SIGNATURES);
      log.info("unreadable agent announcement{}: {}", from == null ? "" : " from " + from, malformed.getMessage());
    }
  }

  private List<AgentRecord> entries(NodeId from, JsonNode list, long now) {
    List<AgentRecord> records = new ArrayList<>();
    for (JsonNode sealed : list) {
      JsonNode e = sealed.path("env");
      String agentId = e.path("agent_id").asText();
      if (!AgentWire.ENTRY.equals(e.path("kind").asText()) || !from.toString().equals(e.path("node_id").asText())) {
        strike(from, AgentCounters.FOREIGN_AGENTS, "node " + from + " announces agent " + agentId + " hosted by node " + e.path("node_id").asText());
        continue;
      }
      if (ours.test(agentId)) {
        counters.inc(AgentCounters.IMPOSTORS);
        log.warn("node {} announces agent id {}, which is ours; ignored", from, agentId);
        continue;
      }
      if (!AgentWire.signedBy(sealed, agentId)) {
        strike(from, AgentCounters.BAD_SIGNATURES, "node " + from + " announces agent " + agentId + " without that agent's signature");
        continue;
      }
      if (Math.abs(now - e.path("at_ms").asLong(Long.MIN_VALUE / 2)) > config.skewMs()) {
        strike(from, AgentCounters.REPLAYS, "node " + from + " announces an old entry of agent " + agentId);
        continue;
      }
      if (records.size() >= config.remoteAgentsPerNode()) {
        counters.inc(AgentCounters.REGISTRY_DROPPED);
        continue;
      }
      records.add(AgentRecord.fromJson(e, now));
    }
    return records;
  }

  private void strike(NodeId from, String counter, String reason) {
    counters.inc(counter);
    log.warn("{}; entry ignored", reason);
    substrate.penalize(from, "agents: " + reason);
  }
}
