package dev.wattswarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code swarm nodes}, {@code swarm status}, {@code swarm leader}: the node-level swarm view PicoClaw users know. */
final class SwarmViewCommands {
  private SwarmViewCommands() {}

  @Command(name = "nodes", mixinStandardHelpOptions = true,
      description = "Every node this node has heard: role, status (online, busy, offline), load/capacity, last seen, agents.")
  static final class Nodes implements Callable<Integer> {
    @ParentCommand SwarmCommand parent;
    @Spec CommandSpec spec;
    @Option(names = "--json", description = "Print machine-readable JSON.") boolean json;

    @Override
    public Integer call() {
      JsonNode n = ControlClient.forStateDir(parent.main.stateDir()).get("/v1/swarm/nodes");
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Output.json(out, n);
        return 0;
      }
      out.print(table(n.path("nodes"), System.currentTimeMillis()));
      out.flush();
      return 0;
    }
  }

  static String table(JsonNode nodes, long now) {
    StringBuilder sb = new StringBuilder(String.format("%-18s %-12s %-8s %-9s %-10s %s%n", "NODE", "ROLE", "STATUS", "LOAD", "LAST SEEN", "AGENTS"));
    for (JsonNode r : nodes) {
      String id = (r.path("self").asBoolean() ? "*" : " ") + Output.shortId(r.path("node_id").asText());
      long ago = Math.max(0, now - r.path("last_seen_ms").asLong());
      java.util.List<String> agents = new java.util.ArrayList<>();
      r.path("agents").forEach(a -> agents.add(a.asText()));
      sb.append(String.format("%-18s %-12s %-8s %-9s %-10s %s%n", id, r.path("role").asText(), r.path("status").asText(),
          r.path("load").asInt() + "/" + r.path("capacity").asInt(), r.path("self").asBoolean() ? "now" : Output.duration(ago) + " ago",
          String.join(",", agents)));
    }
    return sb.toString();
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "This node, the substrate and its health, nodes online/busy/offline, and the current leader.")
  static final class Status implements Callable<Integer> {
    @ParentCommand SwarmCommand parent;
    @Spec CommandSpec spec;
    @Option(names = "--json", description = "Print machine-readable JSON.") boolean json;

    @Override
    public Integer call() {
      JsonNode s = ControlClient.forStateDir(parent.main.stateDir()).get("/v1/swarm/status");
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Output.json(out, s);
        return 0;
      }
      JsonNode sub = s.path("substrate");
      out.printf("node      %s (%s, %s, %d/%d)%n", s.path("node_id").asText(), s.path("role").asText(), s.path("status").asText(),
          s.path("load").asInt(), s.path("capacity").asInt());
      out.printf("network   %s%n", s.path("network_id").asText());
      if (sub.path("kind").asText().equals("none")) {
        out.println("substrate none (local mode: this node is the whole swarm)");
      } else {
        out.printf("substrate %s %s%s%n", sub.path("kind").asText(), sub.path("connected").asBoolean() ? "connected" : "NOT connected",
            sub.has("server") ? " to " + sub.path("server").asText() : sub.has("peers") ? " (" + sub.path("peers").asInt() + " peers)" : "");
      }
      out.printf("nodes     %d total, %d online, %d busy, %d offline%n", s.path("nodes").asInt(), s.path("online").asInt(),
          s.path("busy").asInt(), s.path("offline").asInt());
      out.printf("leader    %s%n", s.path("leader").asText().isEmpty() ? "(none yet)"
          : s.path("leader").asText() + " (term " + s.path("leader_term").asLong() + ")");
      out.flush();
      return 0;
    }
  }

  @Command(name = "leader", mixinStandardHelpOptions = true, description = "The lease-holding leader, its term and lease expiry.")
  static final class Leader implements Callable<Integer> {
    @ParentCommand SwarmCommand parent;
    @Spec CommandSpec spec;
    @Option(names = "--json", description = "Print machine-readable JSON.") boolean json;

    @Override
    public Integer call() {
      JsonNode l = ControlClient.forStateDir(parent.main.stateDir()).get("/v1/swarm/leader");
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Output.json(out, l);
        return 0;
      }
      if (l.path("leader").asText().isEmpty()) {
        out.println("no leader yet (an election takes up to one lease)");
      } else {
        out.printf("leader %s%s, term %d, lease %s left (%s)%n", l.path("leader").asText(), l.path("is_me").asBoolean() ? " (this node)" : "",
            l.path("term").asLong(), Output.duration(l.path("lease_remaining_ms").asLong()), l.path("election").asText());
      }
      out.flush();
      return 0;
    }
  }
}
