package dev.wattswarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.brain.BrainDoctor;
import dev.wattswarm.node.brain.Diagnosis;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.node.task.ExecutorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.ArrayList;
import java.util.List;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code brain doctor}: checks every model-backed brain (executors.json and agents.json) and says what is wrong. */
@Command(name = "brain", mixinStandardHelpOptions = true, description = "Model-backed brains (ollama, openai-compatible).",
    subcommands = {BrainCommand.Doctor.class})
final class BrainCommand {
  @ParentCommand Main main;

  @Command(name = "doctor", mixinStandardHelpOptions = true,
      description = "Check each model-backed brain in executors.json and agents.json: reachable, model available, API key"
          + " accepted. Exit 0 when all are fine (or there is none to check), 1 when one is not.")
  static final class Doctor implements Callable<Integer> {
    @ParentCommand BrainCommand parent;
    @Spec CommandSpec spec;
    @Option(names = "--executor", paramLabel = "NAME", description = "Check only the executor or agent with this name.") String only;
    @Option(names = "--json", description = "Print machine-readable JSON.") boolean json;

    /** One brain to check: where it is declared and its config (an executor entry, or an agent's "brain"). */
    record Target(String name, String where, JsonNode config) {}

    @Override
    public Integer call() throws Exception {
      StateDir dir = parent.main.stateDir();
      List<Target> targets = new ArrayList<>();
      collect(dir.file(ExecutorsFile.FILE), "executors", e -> e, targets);
      collect(dir.file("agents.json"), "agents", a -> a.path("brain"), targets);
      if (only != null) {
        targets.removeIf(t -> !t.name().equals(only));
        if (targets.isEmpty()) {
          throw new CliException(CliException.FAILED, "no model-backed executor or agent named " + only + " in "
              + dir.file(ExecutorsFile.FILE) + " or " + dir.file("agents.json"));
        }
      }
      var out = spec.commandLine().getOut();
      ArrayNode rows = CanonicalJson.MAPPER.createArrayNode();
      boolean allOk = true;
      for (Target t : targets) {
        Diagnosis d = BrainDoctor.diagnose(t.config(), t.where(), System::getenv);
        String kind = t.config().path("kind").asText();
        ObjectNode row = rows.addObject().put("name", t.name()).put("declared_in", t.where()).put("kind", kind)
            .put("base_url", t.config().path("base_url").asText()).put("ok", d.ok());
        d.lines().forEach(row.putArray("lines")::add);
        if (!json) {
          out.printf("%s (%s %s): %s%n", t.name(), kind, t.config().path("base_url").asText(), d.ok() ? "ok" : "NOT OK");
          for (String line : d.lines()) out.println("  " + line);
        }
        allOk &= d.ok();
      }
      if (json) {
        ObjectNode o = CanonicalJson.object().put("ok", allOk).put("checked", targets.size());
        o.set("brains", rows);
        Output.json(out, o);
      } else if (targets.isEmpty()) {
        out.println("nothing to check: no ollama or openai-compatible brain in " + dir.file(ExecutorsFile.FILE) + " or "
            + dir.file("agents.json") + " (rules brains need no model)");
      }
      return allOk ? 0 : 1;
    }

    /** The model-backed entries of one file (a missing file has none). */
    private static void collect(Path file, String listName, java.util.function.UnaryOperator<JsonNode> brainOf, List<Target> into) {
      if (!Files.exists(file)) return;
      JsonNode list;
      try {
        list = CanonicalJson.parse(Files.readAllBytes(file)).path(listName);
      } catch (IllegalArgumentException | java.io.IOException e) {
        throw new CliException(CliException.FAILED, file + " is not valid JSON: " + e.getMessage());
      }
      for (int i = 0; i < list.size(); i++) {
        JsonNode e = list.get(i);
        JsonNode brain = brainOf.apply(e);
        String kind = brain.path("kind").asText("rules");
        if (!kind.equals("ollama") && !kind.equals("openai-compatible")) continue;
        String where = listName.equals("agents") ? file + ": agents[" + i + "].brain" : file + ": executors[" + i + "]";
        into.add(new Target(e.path("name").asText(), where, brain));
      }
    }
  }
}
