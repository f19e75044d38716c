package dev.wattswarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code agents list} and {@code agent request|notify|broadcast}. */
final class AgentCommands {
  private AgentCommands() {}

  @Command(name = "agents", mixinStandardHelpOptions = true, description = "Agents in the swarm.", subcommands = {ListAgents.class})
  static final class Agents {
    @ParentCommand Main main;
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Local and remote agents: id, role, capabilities, node, location, status, load.")
  static final class ListAgents implements Callable<Integer> {
    @ParentCommand Agents parent;
    @Spec CommandSpec spec;
    @Option(names = "--role", description = "Only agents with this role.") String role;
    @Option(names = "--capability", description = "Only agents with this capability.") String capability;
    @Option(names = "--json", description = "Print machine-readable JSON.") boolean json;

    @Override
    public Integer call() {
      StringBuilder q = new StringBuilder("/v1/agents?");
      if (role != null) q.append("role=").append(URLEncoder.encode(role, StandardCharsets.UTF_8)).append('&');
      if (capability != null) q.append("capability=").append(URLEncoder.encode(capability, StandardCharsets.UTF_8));
      JsonNode r = ControlClient.forStateDir(parent.main.stateDir()).get(q.toString());
      var out = spec.commandLine().getOut();
      if (json) {
        Output.json(out, r);
        return 0;
      }
      out.printf("%-14s %-11s %-26s %-8s %-6s %-5s %s%n", "NAME", "ROLE", "CAPABILITIES", "WHERE", "STATUS", "LOAD", "NODE");
      for (JsonNode a : r.path("agents")) {
        StringBuilder caps = new StringBuilder();
        for (JsonNode c : a.path("capabilities")) caps.append(caps.isEmpty() ? "" : ",").append(c.asText());
        out.printf("%-14s %-11s %-26s %-8s %-6s %d/%-3d %s%n", a.path("name").asText(), a.path("role").asText(), caps,
            a.path("location").asText(), a.path("status").asText(), a.path("load").asInt(), a.path("capacity").asInt(),
            a.path("node_id").asText());
      }
      return 0;
    }
  }

  @Command(name = "agent", mixinStandardHelpOptions = true, description = "Talk to agents.",
      subcommands = {RequestCmd.class, NotifyCmd.class, BroadcastCmd.class})
  static final class Agent {
    @ParentCommand Main main;
  }

  abstract static class Send implements Callable<Integer> {
    @ParentCommand Agent parent;
    @Spec CommandSpec spec;
    @Option(names = "--capability", description = "Pick an agent by capability.") String capability;
    @Option(names = "--role", description = "Pick an agent by role.") String role;
    @Option(names = "--json", description = "Print machine-readable JSON.") boolean json;
    @Option(names = "--context", paramLabel = "JSON", description = "Metadata (a JSON object, at most 4096 bytes) sent with the message and returned with its reply.")
    String context;

    ObjectNode message(String target, String body) {
      ObjectNode m = CanonicalJson.object();
      if (context != null) {
        m.set("context", JsonInput.text(context, "--context", "Give an object, e.g. --context '{\"mission_id\": \"abc123\"}'"));
      }
      String t = capability != null ? capability : role != null ? role : target;
      if (t == null) throw new CliException(2, "name the agent: TARGET (role, agent id or name), --capability or --role");
      m.put("target", t);
      m.set("body", JsonInput.text(body, "the message", "Quote it for the shell, e.g. '{\"code\": \"x = 1\"}'"));
      return m;
    }

    /** TARGET is optional when --capability or --role is given, so the JSON may be the only parameter. */
    static String[] split(java.util.List<String> params) {
      if (params.size() == 1) return new String[] {null, params.get(0)};
      if (params.size() == 2) return new String[] {params.get(0), params.get(1)};
      throw new CliException(2, "expected [TARGET] 'JSON'");
    }
  }

  @Command(name = "request", mixinStandardHelpOptions = true,
      description = "Send a message to one agent (by role, id, name or --capability) and print its reply and who answered.")
  static final class RequestCmd extends Send {
    @Parameters(arity = "1..2", paramLabel = "[TARGET] JSON") java.util.List<String> params;
    @Option(names = "--timeout", defaultValue = "30", description = "Seconds to wait (default ${DEFAULT-VALUE}).") double timeout;
    @Option(names = "--strategy", defaultValue = "least_recent", description = "first, random, round_robin or least_recent.") String strategy;

    @Override
    public Integer call() {
      String[] p = split(params);
      ObjectNode m = message(p[0], p[1]);
      m.put("timeout_ms", (long) (timeout * 1000)).put("strategy", strategy);
      JsonNode r = ControlClient.forStateDir(parent.main.stateDir()).post("/v1/agents/request", CanonicalJson.encode(m));
      var out = spec.commandLine().getOut();
      if (json) Output.json(out, r);
      else {
        out.printf("answered by %s (%s) on node %s (%s)%n", r.path("agent_name").asText(), r.path("agent_id").asText(),
            r.path("node_id").asText(), r.path("location").asText());
        out.println(CanonicalJson.encodeString(r.path("reply")));
        if (r.has("context")) out.println("context " + CanonicalJson.encodeString(r.path("context")));
      }
      return 0;
    }
  }

  @Command(name = "notify", mixinStandardHelpOptions = true, description = "Fire-and-forget message to one agent; prints whether it was sent.")
  static final class NotifyCmd extends Send {
    @Parameters(arity = "1..2", paramLabel = "[TARGET] JSON") java.util.List<String> params;

    @Override
    public Integer call() {
      String[] p = split(params);
      JsonNode r = ControlClient.forStateDir(parent.main.stateDir()).post("/v1/agents/notify", CanonicalJson.encode(message(p[0], p[1])));
      if (json) Output.json(spec.commandLine().getOut(), r);
      else spec.commandLine().getOut().println(r.path("sent").asBoolean() ? "sent" : "no agent fits; nothing sent");
      return r.path("sent").asBoolean() ? 0 : 1;
    }
  }

  @Command(name = "broadcast", mixinStandardHelpOptions = true, description = "Send to every agent with a role or capability (or --all: to every agent); prints how many.")
  static final class BroadcastCmd extends Send {
    @Parameters(arity = "1..2", paramLabel = "[TARGET] JSON") java.util.List<String> params;
    @Option(names = "--all", description = "Send to every agent in the swarm (no TARGET).") boolean all;

    @Override
    public Integer call() {
      String[] p = split(params);
      if (all && (p[0] != null || capability != null || role != null)) throw new CliException(2, "--all sends to every agent: drop TARGET, --role and --capability");
      ObjectNode m = message(all ? "*" : p[0], p[1]);
      if (all) m.put("all", true);
      JsonNode r = ControlClient.forStateDir(parent.main.stateDir()).post("/v1/agents/broadcast", CanonicalJson.encode(m));
      if (json) Output.json(spec.commandLine().getOut(), r);
      else spec.commandLine().getOut().println("notified " + r.path("notified").asInt() + " agent(s)");
      return 0;
    }
  }
}
