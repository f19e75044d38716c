package dev.wattswarm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: a real swarm on this machine. Three {@code node up} processes on loopback form a
 * network; tasks submitted to node-1 run on the other nodes; a quorum task gets one vote per node
 * and outvotes node-3's lying executor; an agent on node-2 answers a request made on node-1; a
 * mission posted on node-1 is paid in WATT to the node that did the work, with the same balances on
 * every node.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start a swarm of real node processes on loopback, run tasks across them (one node lies in a quorum"
        + " and is outvoted), ask an agent on another node, pay a mission in WATT, and show what happened. Cleans up after itself.")
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Option(names = "--nodes", paramLabel = "N", defaultValue = "3", description = "How many node processes (3-7, default ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--keep-running", description = "Leave the swarm up afterwards to explore it (the console, the CLI); Ctrl-C stops it.")
  boolean keepRunning;

  @Option(names = "--dir", paramLabel = "DIR", hidden = true, description = "Same as the global --state-dir.")
  Path dir;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120", description = "Give up waiting after this long (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    if (nodes < 3 || nodes > 7) throw new CliException(ErrorReport.BAD_INPUT, "--nodes must be 3 to 7 (a quorum with a liar needs three)");
    PrintWriter out = spec.commandLine().getOut();
    Path chosen = dir != null ? dir : stateDirGiven() ? main.stateDir : null;
    Path root = chosen != null ? chosen.toAbsolutePath() : Files.createTempDirectory("wattswarm-demo-");
    Files.createDirectories(root);
    long t0 = System.currentTimeMillis();
    DemoSwarm swarm = new DemoSwarm(root, chosen == null);
    Thread cleanup = new Thread(swarm::close, "ws-demo-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      DemoScript.members(swarm, nodes);
      out.printf("wattswarm demo: starting %d node processes on 127.0.0.1 (state in %s)%n", nodes, root);
      out.flush();
      swarm.start(timeoutSeconds * 1000L);
      for (DemoSwarm.Member m : swarm.members()) {
        out.printf("  %-7s %s  pid %-7d control %s  p2p %s%n", m.name, m.rt.nodeId(), m.rt.pid(), m.rt.controlUrl(), m.rt.p2pAddr());
      }
      DemoScript script = new DemoScript(swarm, out, timeoutSeconds * 1000L);
      boolean ok = script.run();
      ok &= new DemoEconomy(swarm, out, timeoutSeconds * 1000L).run();
      out.printf("%n%s in %.1f s%n", ok ? "demo finished" : "demo FAILED", (System.currentTimeMillis() - t0) / 1000.0);
      DemoSwarm.Member first = swarm.members().get(0);
      if (keepRunning) {
        out.printf("console:  %s/supervision   (token: %s)%n", first.rt.controlUrl(), first.dir.resolve("control.token"));
        out.printf("try:      ./wattswarm --state-dir %s task list%n", first.dir);
        out.println("the swarm keeps running; press Ctrl-C to stop it" + (chosen == null ? " and remove " + root : ""));
        out.flush();
        new CountDownLatch(1).await();
      }
      out.printf("stopped all %d nodes%s; run with --keep-running to explore the swarm and its console (/supervision)%n",
          nodes, chosen == null ? " and removed " + root : ", their state stays in " + root);
      return ok ? 0 : 1;
    } finally {
      swarm.close();
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running already
      }
    }
  }

  /** The global --state-dir was typed (its default names ./.wattswarm, which the demo must not take over). */
  private boolean stateDirGiven() {
    var own = spec.commandLine().getParseResult();
    if (own != null && own.hasMatchedOption("--state-dir")) return true;
    var root = spec.root().commandLine().getParseResult();
    return root != null && root.hasMatchedOption("--state-dir");
  }

  /** Builds a task for the control plane. */
  static ObjectNode task(String id, String capability, String prompt, boolean quorum) {
    ObjectNode t = CanonicalJson.object().put("task_id", id).put("task_type", "swarm").put("capability", capability);
    t.putObject("inputs").put("prompt", prompt);
    if (quorum) {
      t.put("profile", "quorum").put("one_vote_per", "node");
      t.putObject("quorum").put("executors", 3).put("threshold", 2);
    }
    return t;
  }

}
