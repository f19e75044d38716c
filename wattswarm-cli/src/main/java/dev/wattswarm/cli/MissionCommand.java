package dev.wattswarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code mission post|list|show|cancel}: tasks with a reward escrowed from the poster. */
@Command(name = "mission", mixinStandardHelpOptions = true, description = "Post and follow missions (tasks with a WATT reward).",
    subcommands = {MissionCommand.Post.class, MissionCommand.ListMissions.class, MissionCommand.Show.class, MissionCommand.Cancel.class})
final class MissionCommand {
  @ParentCommand Main main;

  abstract static class Sub implements Callable<Integer> {
    @ParentCommand MissionCommand parent;
    @Spec CommandSpec spec;

    ControlClient client() {
      return ControlClient.forStateDir(parent.main.stateDir());
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    void print(JsonNode m) {
      out().printf("mission %s: %s, reward %d from %s%s%n", m.path("mission").asText(), m.path("state").asText(), m.path("reward").asLong(),
          m.path("poster").asText(), m.path("winner").isTextual() ? ", paid to " + m.path("winner").asText() + " (fee " + m.path("fee").asLong() + ")" : "");
    }
  }

  @Command(name = "post", mixinStandardHelpOptions = true,
      description = "Post a mission: a task JSON with \"reward\": N (file, or - for stdin). The reward is escrowed at once; refused if the balance is short.")
  static final class Post extends Sub {
    @Parameters(paramLabel = "FILE|-") String file;
    @Option(names = "--json", description = "Print the mission as JSON.") boolean json;

    @Override
    public Integer call() {
      JsonNode m = JsonInput.file(file, "a mission JSON",
          "A mission is a task with a reward, e.g. {\"task_id\": \"m1\", \"capability\": \"c\", \"inputs\": {}, \"reward\": 100}");
      JsonNode r = client().post("/v1/missions", CanonicalJson.encode(m));
      if (json) Output.json(out(), r);
      else out().println(r.path("mission").asText());
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Missions this node knows.")
  static final class ListMissions extends Sub {
    @Option(names = "--state", description = "open, claimed, completed, settled, cancelled or expired") String state;
    @Option(names = "--limit", defaultValue = "100") int limit;
    @Option(names = "--json", description = "Print machine-readable JSON.") boolean json;

    @Override
    public Integer call() {
      JsonNode r = client().get("/v1/missions?limit=" + limit + (state == null ? "" : "&state=" + WattCommand.enc(state)));
      if (json) Output.json(out(), r);
      else for (JsonNode m : r.path("missions")) print(m);
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "One mission: state, reward, poster, winner (the account paid), fee.")
  static final class Show extends Sub {
    @Parameters(paramLabel = "ID") String id;
    @Option(names = "--json", description = "Print machine-readable JSON.") boolean json;

    @Override
    public Integer call() {
      JsonNode m = client().get("/v1/missions/" + WattCommand.enc(id));
      if (json) Output.json(out(), m);
      else print(m);
      return 0;
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel an unclaimed mission this node posted; the reward returns to the poster.")
  static final class Cancel extends Sub {
    @Parameters(paramLabel = "ID") String id;
    @Option(names = "--json", description = "Print the mission as JSON.") boolean json;

    @Override
    public Integer call() {
      JsonNode m = client().post("/v1/missions/" + WattCommand.enc(id) + "/cancel", new byte[0]);
      if (json) Output.json(out(), m);
      else print(m);
      return 0;
    }
  }
}
