package dev.wattswarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.Projections;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.NodeLock;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.server.LogApi;
import dev.wattswarm.store.EventStores;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code log head|verify|replay}. With a node running they go through its control plane (the node
 * owns the store); with none, they open the store directly under the state-dir lock.
 */
@Command(name = "log", mixinStandardHelpOptions = true, description = "Inspect and check the event log.",
    subcommands = {LogCommand.Head.class, LogCommand.Verify.class, LogCommand.Replay.class})
final class LogCommand {
  @ParentCommand Main main;

  abstract static class Sub implements Callable<Integer> {
    @ParentCommand LogCommand parent;
    @Spec CommandSpec spec;
    @Option(names = "--json", description = "Print machine-readable JSON.") boolean json;

    JsonNode run(String method, String path, Function<dev.wattswarm.kernel.store.EventStore, JsonNode> offline) {
      StateDir dir = parent.main.stateDir();
      if (dir.runtime().map(r -> r.processAlive()).orElse(false)) {
        ControlClient c = ControlClient.forStateDir(dir);
        return method.equals("GET") ? c.get(path) : c.post(path, new byte[0]);
      }
      if (!java.nio.file.Files.isDirectory(dir.root())) {
        throw new CliException(CliException.FAILED, "state dir " + dir.root() + " does not exist. Pass --state-dir, or start a node with `node up`.");
      }
      try (NodeLock lock = dir.lock();
          var store = EventStores.open(NodeConfig.fromEnv(dir.root(), System.getenv()).store(), Projections.all())) {
        return offline.apply(store);
      }
    }
  }

  @Command(name = "head", mixinStandardHelpOptions = true, description = "Show the log's length and last event.")
  static final class Head extends Sub {
    @Override
    public Integer call() {
      JsonNode h = run("GET", "/v1/log/head", LogApi::head);
      var out = spec.commandLine().getOut();
      if (json) {
        Output.json(out, h);
      } else {
        out.printf("%d events in %d lanes (%s), head position %d%n", h.path("events").asLong(), h.path("lanes").asLong(),
            h.path("storage").asText(), h.path("position").asLong());
        JsonNode last = h.path("last");
        if (!last.isMissingNode()) out.printf("last: %s %s by %s%n", last.path("type").asText(), last.path("id").asText(), last.path("author").asText());
      }
      return 0;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Re-check every event's id and signature and every lane's sequence and chain. Exit 1 if anything is wrong.")
  static final class Verify extends Sub {
    @Override
    public Integer call() {
      JsonNode r = run("POST", "/v1/log/verify", s -> LogApi.verify(s, dev.wattswarm.kernel.event.EventLimits.DEFAULT));
      var out = spec.commandLine().getOut();
      if (json) {
        Output.json(out, r);
      } else if (r.path("ok").asBoolean()) {
        out.printf("log ok: %d events in %d lanes verified (ids, signatures, sequences, chains)%n", r.path("checked").asLong(), r.path("lanes").asLong());
      } else {
        out.printf("log has %d problem(s) in %d events:%n", r.path("problems").size(), r.path("checked").asLong());
        r.path("problems").forEach(p -> out.println("  " + p.asText()));
      }
      if (!r.path("ok").asBoolean()) {
        spec.commandLine().getErr().println("error: the log failed verification. Restore the database from a backup, or re-sync it from peers.");
        return CliException.FAILED;
      }
      return 0;
    }
  }

  @Command(name = "replay", mixinStandardHelpOptions = true,
      description = "Rebuild every projection from the log and report whether the result is identical to what was there.")
  static final class Replay extends Sub {
    @Override
    public Integer call() {
      JsonNode r = run("POST", "/v1/log/replay", LogApi::replay);
      var out = spec.commandLine().getOut();
      if (json) {
        Output.json(out, r);
      } else {
        out.printf("replayed %d events in %d ms: projections %s%n", r.path("events").asLong(), r.path("millis").asLong(),
            r.path("identical").asBoolean() ? "identical" : "DIFFERED and were rebuilt from the log");
      }
      return r.path("identical").asBoolean() ? 0 : CliException.FAILED;
    }
  }
}
