package dev.wattswarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code task submit|watch|show|list|cancel} against the running node's control plane. */
@Command(name = "task", mixinStandardHelpOptions = true, description = "Submit and follow tasks.",
    subcommands = {TaskCommand.Submit.class, TaskCommand.Watch.class, TaskCommand.Show.class, TaskCommand.ListTasks.class,
        TaskCommand.Cancel.class})
final class TaskCommand {
  @ParentCommand Main main;

  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  abstract static class Sub implements Callable<Integer> {
    @ParentCommand TaskCommand parent;
    @Spec CommandSpec spec;

    ControlClient client() {
      return ControlClient.forStateDir(parent.main.stateDir());
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    static String enc(String s) {
      return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
  }

  @Command(name = "submit", mixinStandardHelpOptions = true,
      description = "Submit a task (JSON file, or - for stdin) and print its id. Submitting the same task_id again returns the existing task.")
  static final class Submit extends Sub {
    @Parameters(paramLabel = "FILE|-", description = "Task JSON, e.g. {\"task_id\":\"t1\",\"task_type\":\"swarm\",\"inputs\":{\"prompt\":\"...\"}}")
    String file;
    @Option(names = "--json", description = "Print the node's full answer as JSON.") boolean json;

    @Override
    public Integer call() {
      JsonNode task = JsonInput.file(file, "a task JSON", "A task is JSON like {\"task_id\": \"t1\", \"inputs\": {\"prompt\": \"...\"}}");
      JsonNode r = client().post("/v1/tasks", CanonicalJson.encode(task));
      if (json) {
        Output.json(out(), r);
      } else {
        out().println(r.path("task_id").asText());
        if (!r.path("created").asBoolean(true)) {
          spec.commandLine().getErr().println("note: task " + r.path("task_id").asText() + " already existed (state "
              + r.path("state").asText() + "); nothing new was submitted");
        }
      }
      return 0;
    }
  }

  @Command(name = "watch", mixinStandardHelpOptions = true,
      description = "Print each lifecycle step of a task as it happens; exit when it reaches a terminal state "
          + "(0 finalized, 4 failed/expired/cancelled).")
  static final class Watch extends Sub {
    @Parameters(paramLabel = "ID") String id;
    @Option(names = "--json", description = "One JSON event per line.") boolean json;

    @Override
    public Integer call() {
      ControlClient c = client();
      c.get("/v1/tasks/" + enc(id)); // 404 early, with a clear message
      c.stream("/v1/tasks/" + enc(id) + "/events?follow=true", (name, data) -> {
        JsonNode e = CanonicalJson.parse(data);
        if (json) out().println(CanonicalJson.encodeString(e));
        else out().println(describe(e));
        out().flush();
        return true;
      });
      JsonNode task = c.get("/v1/tasks/" + enc(id));
      String state = task.path("state").asText();
      if (!json) out().printf("task %s is %s%s%n", id, state, answer(task));
      return state.equals("finalized") ? 0 : CliException.TASK_FAILED;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one task's current state.")
  static final class Show extends Sub {
    @Parameters(paramLabel = "ID") String id;
    @Option(names = "--json", description = "Print machine-readable JSON.") boolean json;

    @Override
    public Integer call() {
      JsonNode t = client().get("/v1/tasks/" + enc(id));
      if (json) {
        Output.json(out(), t);
        return 0;
      }
      out().printf("task      %s%n", t.path("task_id").asText());
      out().printf("state     %s%n", t.path("state").asText());
      for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext(); ) {
        var f = it.next();
        if (f.getKey().equals("task_id") || f.getKey().equals("state")) continue;
        String v = f.getValue().isValueNode() ? f.getValue().asText() : CanonicalJson.encodeString(f.getValue());
        out().printf("%-9s %s%n", f.getKey(), v.length() > 200 ? v.substring(0, 200) + "…" : v);
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List tasks, newest last; filter by state.")
  static final class ListTasks extends Sub {
    static final java.util.List<String> STATES = java.util.Arrays.stream(dev.wattswarm.kernel.task.TaskPhase.values())
        .map(dev.wattswarm.kernel.task.TaskPhase::wire).toList();

    @Option(names = "--state", description = "Only tasks in this state (e.g. finalized, open, expired).") String state;
    @Option(names = "--limit", defaultValue = "100", description = "At most this many (default ${DEFAULT-VALUE}).") int limit;
    @Option(names = "--json", description = "Print machine-readable JSON.") boolean json;

    @Override
    public Integer call() {
      if (state != null && !STATES.contains(state)) {
        throw new CliException(ErrorReport.BAD_INPUT, "--state " + state + " is not a task state; use one of " + String.join(", ", STATES));
      }
      String q = "?limit=" + limit + (state == null ? "" : "&state=" + enc(state));
      JsonNode r = client().get("/v1/tasks" + q);
      if (json) {
        Output.json(out(), r);
      } else {
        out().printf("%-28s %-11s %-8s %s%n", "TASK", "STATE", "PROFILE", "ANSWER");
        for (JsonNode t : r.path("tasks")) {
          out().printf("%-28s %-11s %-8s %s%n", t.path("task_id").asText(), t.path("state").asText(),
              t.path("profile").asText(t.path("spec").path("profile").asText("")), answer(t).replaceFirst("^: ", ""));
        }
      }
      return 0;
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a task that has not reached a terminal state.")
  static final class Cancel extends Sub {
    @Parameters(paramLabel = "ID") String id;
    @Option(names = "--json", description = "Print machine-readable JSON.") boolean json;

    @Override
    public Integer call() {
      JsonNode t = client().post("/v1/tasks/" + enc(id) + "/cancel", new byte[0]);
      if (json) Output.json(out(), t);
      else out().printf("task %s is %s%n", id, t.path("state").asText());
      return 0;
    }
  }

  /** One line per lifecycle event: time, type, who, and the gist of the payload. */
  static String describe(JsonNode e) {
    JsonNode p = e.path("payload");
    StringBuilder sb = new StringBuilder();
    sb.append(TIME.format(Instant.ofEpochMilli(e.path("created_at_ms").asLong()))).append("  ");
    sb.append(String.format("%-26s", e.path("type").asText()));
    for (String k : new String[] {"executor", "voter", "verifier", "verdict", "attempt", "reason", "candidate_hash", "answer", "output"}) {
      JsonNode v = p.path(k);
      if (v.isMissingNode() || v.isNull()) continue;
      String s = v.isValueNode() ? v.asText() : CanonicalJson.encodeString(v);
      if (k.equals("candidate_hash") && s.length() > 12) s = s.substring(0, 12);
      if (s.length() > 80) s = s.substring(0, 80) + "…";
      sb.append(' ').append(k).append('=').append(s);
    }
    return sb.toString();
  }

  static String answer(JsonNode task) {
    for (String k : new String[] {"output", "answer", "result"}) {
      JsonNode v = task.path(k);
      if (!v.isMissingNode() && !v.isNull()) {
        String s = v.isValueNode() ? v.asText() : CanonicalJson.encodeString(v);
        return ": " + (s.length() > 120 ? s.substring(0, 120) + "…" : s);
      }
    }
    return "";
  }
}
