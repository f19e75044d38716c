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

/** {@code workflow run|show}: decompose a goal between specialists, run the parts in parallel, synthesize. */
@Command(name = "workflow", mixinStandardHelpOptions = true, description = "Coordinator workflows across agents.",
    subcommands = {WorkflowCommand.Run.class, WorkflowCommand.Show.class})
final class WorkflowCommand {
  @ParentCommand Main main;

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Split GOAL (JSON) between specialists by capability, run the parts in parallel across nodes, and print the synthesis.")
  static final class Run implements Callable<Integer> {
    @ParentCommand WorkflowCommand parent;
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "GOAL", arity = "0..1", description = "The goal as JSON, e.g. {\"kind\":\"code-review\",\"code\":\"...\"}.") String goal;
    // a whole source file does not fit one command-line argument (Linux caps one at 128 KiB)
    @Option(names = "--goal-file", description = "Read the goal JSON from this file instead (- for stdin).") String goalFile;
    @Option(names = "--id", description = "Workflow id (default: generated); running the same id again resumes it.") String id;
    @Option(names = "--capabilities", description = "Comma-separated capabilities to split between (default: every specialist's).") String caps;
    @Option(names = "--wait", defaultValue = "120", description = "Seconds to wait for the synthesis (default ${DEFAULT-VALUE}).") int waitSeconds;
    @Option(names = "--json", description = "Print the whole workflow as JSON.") boolean json;

    @Override
    public Integer call() throws Exception {
      ObjectNode req = CanonicalJson.object();
      if ((goal == null) == (goalFile == null)) throw new CliException(CliException.FAILED, "give the goal as GOAL or with --goal-file, not both");
      if (goalFile != null) {
        try {
          goal = goalFile.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
              : java.nio.file.Files.readString(java.nio.file.Path.of(goalFile));
        } catch (java.io.IOException e) {
          throw new CliException(CliException.FAILED, "cannot read --goal-file " + goalFile + ": " + e.getMessage());
        }
      }
      req.set("goal", JsonInput.text(goal, "GOAL", "A goal is JSON, e.g. '{\"task\": \"review\", \"code\": \"x = 1\"}'"));
      if (id != null) req.put("workflow_id", id);
      if (caps != null) for (String c : caps.split(",")) req.withArray("capabilities").add(c.trim());
      ControlClient c = ControlClient.forStateDir(parent.main.stateDir());
      String wid = c.post("/v1/workflows", CanonicalJson.encode(req)).path("workflow_id").asText();
      long until = System.nanoTime() + waitSeconds * 1_000_000_000L;
      JsonNode w;
      while (true) {
        w = c.get("/v1/workflows/" + URLEncoder.encode(wid, StandardCharsets.UTF_8));
        if (w.path("state").asText().equals("finished") || System.nanoTime() > until) break;
        Thread.sleep(200);
      }
      var out = spec.commandLine().getOut();
      if (json) {
        Output.json(out, w);
      } else {
        print(out, wid, w);
      }
      if (!w.path("state").asText().equals("finished")) {
        throw new CliException(CliException.FAILED, "workflow " + wid + " did not finish within " + waitSeconds + " s; `workflow show " + wid + "` follows it");
      }
      return w.path("synthesis").path("failed_steps").isEmpty() ? 0 : CliException.TASK_FAILED;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "A workflow's steps and synthesis.")
  static final class Show implements Callable<Integer> {
    @ParentCommand WorkflowCommand parent;
    @Spec CommandSpec spec;
    @Parameters(paramLabel = "ID") String id;

    @Option(names = "--json", description = "Print the whole workflow as JSON.") boolean json;

    @Override
    public Integer call() {
      JsonNode w = ControlClient.forStateDir(parent.main.stateDir()).get("/v1/workflows/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
      if (json) Output.json(spec.commandLine().getOut(), w);
      else print(spec.commandLine().getOut(), id, w);
      return 0;
    }
  }

  /** The synthesis for a person: state, summary, findings, who did each part, what failed. */
  static void print(java.io.PrintWriter out, String wid, JsonNode w) {
    out.println("workflow " + wid + ": " + w.path("state").asText());
    JsonNode syn = w.path("synthesis");
    if (!syn.path("summary").asText().isEmpty()) out.println(syn.path("summary").asText());
    for (JsonNode f : syn.path("findings")) out.println("  - " + f.asText());
    syn.path("by_capability").fields().forEachRemaining(e -> out.printf("  [%s] by %s on %s%n", e.getKey(),
        e.getValue().path("agent").asText(), e.getValue().path("node_id").asText()));
    for (JsonNode f : syn.path("failed_steps")) out.println("  FAILED " + f.path("step").asText() + ": " + f.path("error").asText());
    out.flush();
  }
}
