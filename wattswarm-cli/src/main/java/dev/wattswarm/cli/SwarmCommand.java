package dev.wattswarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code swarm dashboard}: a live terminal view of the swarm as this node sees it. */
@Command(name = "swarm", mixinStandardHelpOptions = true, description = "The swarm at a glance.", subcommands = {SwarmCommand.Dashboard.class,
    SwarmViewCommands.Nodes.class, SwarmViewCommands.Status.class, SwarmViewCommands.Leader.class})
final class SwarmCommand {
  @ParentCommand Main main;

  @Command(name = "dashboard", mixinStandardHelpOptions = true,
      description = "This node, its connections, agents by role and status, capacity, and every discovered node with a load bar. "
          + "Refreshes until Ctrl-C; --once prints one snapshot.")
  static final class Dashboard implements Callable<Integer> {
    @ParentCommand SwarmCommand parent;
    @Spec CommandSpec spec;
    @Option(names = "--once", description = "Print one snapshot and exit.") boolean once;
    @Option(names = "--interval", defaultValue = "2", description = "Seconds between refreshes (default ${DEFAULT-VALUE}).") double interval;
    @Option(names = "--json", description = "Print one snapshot as JSON (node, peers, agents) and exit.") boolean json;

    @Override
    public Integer call() throws Exception {
      ControlClient c = ControlClient.forStateDir(parent.main.stateDir());
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        com.fasterxml.jackson.databind.node.ObjectNode o = dev.wattswarm.kernel.json.CanonicalJson.object();
        o.set("node", c.get("/v1/node"));
        o.set("peers", c.get("/v1/peers").path("peers"));
        o.set("agents", c.get("/v1/agents").path("agents"));
        Output.json(out, o);
        return 0;
      }
      while (true) {
        String frame = render(c.get("/v1/node"), c.get("/v1/peers"), c.get("/v1/agents")) + SwarmBoard.section(c);
        if (!once) out.print("\033[H\033[2J");
        out.print(frame);
        out.flush();
        if (once) return 0;
        Thread.sleep((long) (interval * 1000));
      }
    }
  }

  static String render(JsonNode node, JsonNode peers, JsonNode agents) {
    StringBuilder sb = new StringBuilder();
    sb.append("wattswarm ").append(node.path("version").asText()).append("  node ").append(node.path("node_id").asText()).append('\n');
    sb.append("network   ").append(node.path("network_id").asText()).append(" (mode ").append(node.path("mode").asText()).append(")\n");
    sb.append("connected ").append(peers.path("peers").size()).append(" peer(s)");
    if (node.has("p2p_addr")) sb.append(" via ").append(node.path("p2p_addr").asText());
    sb.append("; log ").append(node.path("events").asLong()).append(" events\n\n");
    Map<String, int[]> byRole = new TreeMap<>();
    Map<String, int[]> byNode = new TreeMap<>();
    int load = 0;
    int cap = 0;
    for (JsonNode a : agents.path("agents")) {
      int[] r = byRole.computeIfAbsent(a.path("role").asText(), k -> new int[2]);
      if (a.path("status").asText().equals("full")) r[1]++;
      else r[0]++;
      int[] n = byNode.computeIfAbsent(a.path("node_id").asText(), k -> new int[3]);
      n[0] += a.path("load").asInt();
      n[1] += a.path("capacity").asInt();
      n[2]++;
      load += a.path("load").asInt();
      cap += a.path("capacity").asInt();
    }
    sb.append(String.format("agents    %d (capacity %d, busy %d)%n", agents.path("agents").size(), cap, load));
    for (var e : byRole.entrySet()) {
      sb.append(String.format("  %-12s ready %-3d full %d%n", e.getKey(), e.getValue()[0], e.getValue()[1]));
    }
    sb.append("\nnodes\n");
    String me = node.path("node_id").asText();
    for (JsonNode p : peers.path("peers")) byNode.computeIfAbsent(p.path("node_id").asText(), k -> new int[3]);
    byNode.computeIfAbsent(me, k -> new int[3]);
    for (var e : byNode.entrySet()) {
      int[] v = e.getValue();
      double f = v[1] == 0 ? 0 : (double) v[0] / v[1];
      int filled = (int) Math.round(f * 20);
      String bar = "#".repeat(filled) + ".".repeat(20 - filled);
      String id = e.getKey();
      sb.append(String.format("  %s%-20s [%s] %3.0f%%  %d agent(s)%n", id.equals(me) ? "*" : " ",
          id.length() > 20 ? id.substring(0, 19) + "…" : id, bar, f * 100, v[2]));
    }
    return sb.toString();
  }
}
