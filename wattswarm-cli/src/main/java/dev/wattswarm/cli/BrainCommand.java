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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code brain doctor}: checks every model-backed executor in executors.json and says what is wrong. */
@Command(name = "brain", mixinStandardHelpOptions = true, description = "Model-backed brains (ollama, openai-compatible).",
    subcommands = {BrainCommand.Doctor.class})
final class BrainCommand {
  @ParentCommand Main main;

  @Command(name = "doctor", mixinStandardHelpOptions = true,
      description = "Check each brain in executors.json: reachable, model available, API key accepted. Exit 0 only if all are fine.")
  static final class Doctor implements Callable<Integer> {
    @ParentCommand BrainCommand parent;
    @Spec CommandSpec spec;
    @Option(names = "--executor", paramLabel = "NAME", description = "Check only this executor.") String only;

    @Override
    public Integer call() throws Exception {
      StateDir dir = parent.main.stateDir();
      Path file = dir.file(ExecutorsFile.FILE);
      if (!Files.exists(file)) {
        throw new CliException(CliException.FAILED, "no " + file + ": this node runs the default rules executors, which need no"
            + " model. Add an entry with \"kind\": \"ollama\" or \"openai-compatible\" to use one.");
      }
      JsonNode list;
      try {
        list = CanonicalJson.parse(Files.readAllBytes(file)).path("executors");
      } catch (IllegalArgumentException e) {
        throw new CliException(CliException.FAILED, file + " is not valid JSON: " + e.getMessage());
      }
      var out = spec.commandLine().getOut();
      boolean allOk = true;
      int checked = 0;
      for (int i = 0; i < list.size(); i++) {
        JsonNode e = list.get(i);
        String kind = e.path("kind").asText("rules");
        if (!kind.equals("ollama") && !kind.equals("openai-compatible")) continue;
        if (only != null && !only.equals(e.path("name").asText())) continue;
        checked++;
        Diagnosis d = BrainDoctor.diagnose(e, file + ": executors[" + i + "]", System::getenv);
        out.printf("%s (%s %s): %s%n", e.path("name").asText(), kind, e.path("base_url").asText(), d.ok() ? "ok" : "NOT OK");
        for (String line : d.lines()) out.println("  " + line);
        allOk &= d.ok();
      }
      if (checked == 0) {
        throw new CliException(CliException.FAILED, only != null ? "no brain executor named " + only + " in " + file
            : "no ollama or openai-compatible executors in " + file);
      }
      return allOk ? 0 : 1;
    }
  }
}
