package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * An agent as the swarm sees it: identity, role, capabilities, where it runs, and how busy it is.
 *
 * @param agentId the agent's own key (did:key form)
 * @param load requests in progress; {@code capacity} is its max_concurrent
 */
public record AgentRecord(String agentId, String name, Role role, Set<String> capabilities, String description,
    String nodeId, int load, int capacity, long seenAtMs) {

  public boolean full() {
    return load >= capacity;
  }

  public ObjectNode toJson() {
    ObjectNode o = CanonicalJson.object();
    o.put("agent_id", agentId).put("name", name).put("role", role.wire()).put("description", description)
        .put("node_id", nodeId).put("load", load).put("capacity", capacity);
    var caps = o.putArray("capabilities");
    capabilities.stream().sorted().forEach(caps::add);
    return o;
  }

  public static AgentRecord fromJson(JsonNode o, long seenAtMs) {
    Set<String> caps = new LinkedHashSet<>();
    for (JsonNode c : o.path("capabilities")) caps.add(c.asText());
    return new AgentRecord(o.path("agent_id").asText(), o.path("name").asText(), Role.parse(o.path("role").asText()), caps,
        o.path("description").asText(""), o.path("node_id").asText(), o.path("load").asInt(), Math.max(1, o.path("capacity").asInt(1)),
        seenAtMs);
  }
}
