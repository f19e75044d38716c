package dev.wattswarm.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The part of {@code swarm dashboard} PicoClaw's dashboard shows: this node with its load bar and
 * uptime, the substrate connection, totals online/offline by role and capacity used, every
 * discovered node with role, status and used/capacity, and the recent tasks.
 */
final class SwarmBoard {
  private SwarmBoard() {}

  /** The section, or an empty string when the node has no swarm view. */
  static String section(ControlClient c) {
    JsonNode status;
    JsonNode nodes;
    try {
      status = c.get("/v1/swarm/status");
      nodes = c.get("/v1/swarm/nodes");
    } catch (RuntimeException e) {
      return "";
    }
    return render(status, nodes, System.currentTimeMillis());
  }

  static String bar(int load, int cap) {
    double f = cap == 0 ? 0 : Math.min(1, (double) load / cap);
    int filled = (int) Math.round(f * 10);
    return "[" + "#".repeat(filled) + ".".repeat(10 - filled) + "] " + String.format("%3.0f%% (%d/%d)", f * 100, load, cap);
  }

  static String render(JsonNode s, JsonNode nodes, long now) {
    StringBuilder sb = new StringBuilder("\n[this node]\n");
    sb.append(String.format("  ID:     %s%n  Role:   %s%n  Status: %s%n  Load:   %s%n  Uptime: %s%n", s.path("node_id").asText(),
        s.path("role").asText(), s.path("status").asText(), bar(s.path("load").asInt(), s.path("capacity").asInt()),
        Output.duration(s.path("uptime_ms").asLong())));
    JsonNode sub = s.path("substrate");
    sb.append("\n[connections]\n");
    String where = sub.has("server") ? sub.path("server").asText() : sub.has("peers") ? sub.path("peers").asInt() + " peer(s)" : "";
    if (sub.path("kind").asText().equals("none")) sb.append("  none (local mode)\n");
    else sb.append(String.format("  %-8s %s %s%n", sub.path("kind").asText().toUpperCase(), sub.path("connected").asBoolean() ? "yes" : "NO", where));
    JsonNode t = s.path("totals");
    sb.append("\n[swarm]\n");
    sb.append(String.format("  Nodes:    %d total, %d online, %d busy, %d offline%n", t.path("total").asInt(), t.path("online").asInt(),
        t.path("busy").asInt(), t.path("offline").asInt()));
    StringBuilder roles = new StringBuilder();
    t.path("roles").fields().forEachRemaining(e -> roles.append(roles.isEmpty() ? "" : ", ").append(e.getValue().asInt()).append(' ')
        .append(e.getKey()));
    sb.append(String.format("  Roles:    %s%n", roles.isEmpty() ? "-" : roles));
    sb.append(String.format("  Capacity: %d/%d tasks used%n", t.path("load").asInt(), t.path("capacity").asInt()));
    String leader = s.path("leader").asText();
    sb.append(String.format("  Leader:   %s%n", leader.isEmpty() ? "(none yet)" : Output.shortId(leader) + " (term " + s.path("leader_term").asLong() + ")"));
    sb.append("\n[discovered nodes]\n");
    for (JsonNode n : nodes.path("nodes")) {
      String st = n.path("status").asText();
      sb.append(String.format("  %s %-16s %-12s %-8s %s%n", st.equals("offline") ? "o" : "*", Output.shortId(n.path("node_id").asText()),
          n.path("role").asText(), st, bar(n.path("load").asInt(), n.path("capacity").asInt())));
    }
    sb.append("\n[recent tasks]\n");
    if (s.path("recent_tasks").isEmpty()) sb.append("  (none coordinated here yet)\n");
    for (JsonNode r : s.path("recent_tasks")) {
      sb.append(String.format("  %-24s %-10s %s  %s ago%n", r.path("task_id").asText(), r.path("state").asText(), r.path("executor").asText(),
          Output.duration(Math.max(0, now - r.path("at_ms").asLong()))));
    }
    return sb.toString();
  }
}
