package dev.wattswarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.state.RuntimeInfo;
import dev.wattswarm.node.state.StateDir;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code console}: a link that logs a browser into the running node's supervision console once.
 * The link carries a one-time code, never the control token; the node forgets the code when it
 * is used or after a minute.
 */
@Command(name = "console", mixinStandardHelpOptions = true,
    description = "Print a link that logs a browser into the supervision console (one use, valid for a minute).")
final class ConsoleCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Spec CommandSpec spec;
  @Option(names = "--json", description = "Print {\"console_url\", \"login_url\", \"expires_at_ms\"}.") boolean json;

  @Override
  public Integer call() {
    StateDir dir = main.stateDir();
    RuntimeInfo rt = ControlClient.running(dir);
    JsonNode r = ControlClient.forStateDir(dir).post("/v1/console/login", new byte[0]);
    String login = rt.controlUrl() + r.path("path").asText();
    long expires = r.path("expires_at_ms").asLong();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Output.json(out, CanonicalJson.object().put("console_url", rt.controlUrl() + "/supervision").put("login_url", login)
          .put("expires_at_ms", expires));
      return 0;
    }
    long secs = Math.max(1, (expires - System.currentTimeMillis() + 999) / 1000);
    out.println("Supervision console of node " + rt.nodeId() + ": " + rt.controlUrl() + "/supervision");
    out.println("Open this link to log in (works once, for " + secs + " s):");
    out.println(login);
    out.flush();
    return 0;
  }
}
