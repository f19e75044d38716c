package dev.wattswarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code events tail}: the last events of the running node's log, optionally following it live. */
@Command(name = "events", mixinStandardHelpOptions = true, description = "Read the running node's event log.",
    subcommands = {EventsCommand.Tail.class})
final class EventsCommand {
  @ParentCommand Main main;

  @Command(name = "tail", mixinStandardHelpOptions = true, description = "Print the last events; with --follow, keep printing new ones.")
  static final class Tail implements Callable<Integer> {
    @ParentCommand EventsCommand parent;
    @Spec CommandSpec spec;
    @Option(names = {"-n", "--lines"}, defaultValue = "20", description = "How many past events (default ${DEFAULT-VALUE}).") int lines;
    @Option(names = {"-f", "--follow"}, description = "Keep streaming new events until interrupted.") boolean follow;
    @Option(names = "--type", description = "Only events whose type starts with this (e.g. task.).") String type;
    @Option(names = "--task", description = "Only events of this task id.") String task;
    @Option(names = "--json", description = "One JSON object per line.") boolean json;

    @Override
    public Integer call() {
      if (lines < 0 || lines > 1000) throw new IllegalArgumentException("--lines must be between 0 and 1000");
      ControlClient c = ControlClient.forStateDir(parent.main.stateDir());
      String filter = (type == null ? "" : "&type=" + enc(type)) + (task == null ? "" : "&task_id=" + enc(task));
      long head = c.get("/v1/log/head").path("position").asLong();
      long from = Math.max(0, head - lines);
      PrintWriter out = spec.commandLine().getOut();
      long cursor = from;
      while (cursor < head) {
        JsonNode page = c.get("/v1/events?limit=1000&cursor=" + cursor + filter);
        for (JsonNode e : page.path("events")) print(out, e);
        long next = page.path("next_cursor").asLong();
        if (next <= cursor || !page.path("has_more").asBoolean()) {
          cursor = Math.max(next, head);
          break;
        }
        cursor = next;
      }
      out.flush();
      if (follow) {
        c.stream("/v1/events/stream?after=" + cursor + filter, (name, data) -> {
          print(out, CanonicalJson.parse(data));
          out.flush();
          return true;
        });
      }
      return 0;
    }

    private void print(PrintWriter out, JsonNode e) {
      if (json) {
        out.println(CanonicalJson.encodeString(e));
        return;
      }
      out.printf("%6d  %s  %-24s %-14s %s  %s%n", e.path("position").asLong(),
          Instant.ofEpochMilli(e.path("created_at_ms").asLong()), e.path("type").asText(),
          e.path("task_id").asText().isEmpty() ? "-" : e.path("task_id").asText(),
          Output.shortId(e.path("author").asText()), e.path("scope").asText());
    }

    private static String enc(String s) {
      return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
  }
}
