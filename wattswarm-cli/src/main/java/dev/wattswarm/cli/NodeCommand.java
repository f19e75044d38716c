package dev.wattswarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.node.state.RuntimeInfo;
import dev.wattswarm.node.state.StateDir;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code node up|status|down}. */
@Command(name = "node", description = "Run and inspect the node on a state dir.",
    mixinStandardHelpOptions = true, subcommands = {NodeUpCommand.class, NodeCommand.Status.class, NodeCommand.Down.class,
        NetworkCommands.ExportContact.class, NetworkCommands.AddBootstrapContact.class,
        NetworkCommands.RemoveBootstrapContact.class})
final class NodeCommand {
  @ParentCommand Main main;

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show whether the node is running and what it is.")
  static final class Status implements Callable<Integer> {
    @ParentCommand NodeCommand parent;
    @Spec CommandSpec spec;
    @Option(names = "--json", description = "Print machine-readable JSON.") boolean json;

    @Override
    public Integer call() {
      StateDir dir = parent.main.stateDir();
      ControlClient client = ControlClient.forStateDir(dir);
      JsonNode info = client.get("/v1/node");
      var out = spec.commandLine().getOut();
      if (json) {
        var withUrl = ((com.fasterxml.jackson.databind.node.ObjectNode) info.deepCopy());
        withUrl.put("control_url", dir.runtime().map(RuntimeInfo::controlUrl).orElse(""));
        Output.json(out, withUrl);
      } else {
        RuntimeInfo rt = dir.runtime().orElseThrow();
        out.printf("running    pid %d%n", rt.pid());
        out.printf("node_id    %s%n", info.path("node_id").asText());
        out.printf("network    %s (mode %s)%n", info.path("network_id").asText(), info.path("mode").asText());
        out.printf("control    %s%n", rt.controlUrl());
        if (!rt.p2pAddr().isEmpty()) out.printf("p2p        %s, %d peers%n", rt.p2pAddr(), info.path("peers").asInt());
        out.printf("uptime     %s%n", Output.duration(info.path("uptime_ms").asLong()));
        out.printf("storage    %s, %d events%n", info.path("storage").asText(), info.path("events").asLong());
        out.printf("version    %s%n", info.path("version").asText());
        for (JsonNode e : info.path("executors")) {
          out.printf("executor   %s: %s%s%n", e.path("name").asText(), e.path("healthy").asBoolean(true) ? "ok" : "UNHEALTHY",
              e.path("healthy").asBoolean(true) ? "" : " (" + e.path("last_error").asText("no answer yet") + "; retrying in "
                  + Output.duration(e.path("next_check_in_ms").asLong()) + ")");
        }
        JsonNode eco = info.path("economy");
        if (eco.isObject()) {
          out.printf("economy    %d WATT (escrowed %d, pending %d), supply %d %s, missions %s%n", eco.path("balance").asLong(),
              eco.path("escrowed").asLong(), eco.path("pending").asLong(), eco.path("supply").asLong(),
              eco.path("conserved").asBoolean() ? "conserved" : "NOT conserved", eco.path("missions"));
        }
        JsonNode d = info.path("defense");
        long refused = 0;
        for (JsonNode v : d.path("rejected_events")) refused += v.asLong();
        long strikes = d.path("substrate").path("strikes").asLong();
        long bans = d.path("substrate").path("bans").asLong();
        if (refused + strikes + bans > 0) {
          out.printf("defense    %d events refused, %d strikes, %d bans (details: node status --json)%n", refused, strikes, bans);
        }
      }
      return 0;
    }
  }

  @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop the running node cleanly (SIGTERM), waiting for it to exit.")
  static final class Down implements Callable<Integer> {
    @ParentCommand NodeCommand parent;
    @Spec CommandSpec spec;
    @Option(names = "--timeout", defaultValue = "10", description = "Seconds to wait for exit (default ${DEFAULT-VALUE}).") int timeout;

    @Override
    public Integer call() throws Exception {
      StateDir dir = parent.main.stateDir();
      RuntimeInfo rt = ControlClient.running(dir);
      ProcessHandle p = ProcessHandle.of(rt.pid()).orElseThrow(() -> new CliException(CliException.NOT_RUNNING, "pid " + rt.pid() + " is gone"));
      p.destroy();
      Instant deadline = Instant.now().plus(Duration.ofSeconds(timeout));
      try {
        p.onExit().get(timeout, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new CliException(CliException.FAILED, "node pid " + rt.pid() + " did not exit within " + timeout
            + " s after SIGTERM. Look at its log; `kill -9 " + rt.pid() + "` is safe (the log survives it).");
      }
      spec.commandLine().getOut().printf("node %s stopped%n", rt.nodeId());
      return Instant.now().isAfter(deadline) ? 1 : 0;
    }
  }
}
