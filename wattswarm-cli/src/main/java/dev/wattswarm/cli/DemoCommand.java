package dev.wattswarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.task.TaskEventTypes;
import dev.wattswarm.kernel.task.TaskState;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.node.task.Executor;
import dev.wattswarm.node.task.RulesExecutor;
import dev.wattswarm.node.task.TaskTracker;
import dev.wattswarm.server.NodeHost;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code demo}: a real local swarm doing real work. One node, five executors (one of them faulty),
 * a mix of fast and quorum tasks; prints each lifecycle step and how every task ended.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start a local node with five executors (one faulty), submit fast and quorum tasks, and show them "
        + "being claimed, executed, verified, voted on and finalized.")
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--keep-running", description = "Leave the node up afterwards so you can explore it with the CLI and the control plane.")
  boolean keepRunning;

  @Option(names = "--dir", paramLabel = "DIR", description = "State dir for the demo node (default: a fresh temporary directory).")
  Path dir;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "45", description = "Give up waiting after this long (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  record DemoTask(String id, String profile, String capability, String prompt, String note) {}

  static final List<DemoTask> TASKS = List.of(
      new DemoTask("demo-wordcount", "fast", "word-count", "the quick brown fox jumps over the lazy dog", "count words"),
      new DemoTask("demo-reverse", "fast", "reverse", "reverse: wattswarm", "reverse a string"),
      new DemoTask("demo-upper", "fast", "uppercase", "upper: agents without a cloud", "upper-case"),
      new DemoTask("demo-json", "fast", "json", "{\"zeta\": 1, \"alpha\": [2, 3]}", "canonical JSON"),
      new DemoTask("demo-quorum-count", "quorum", "rules", "count the words in this sentence please", "3 executors vote"),
      new DemoTask("demo-quorum-echo", "quorum", "rules", "decentralized agents agree on one answer", "3 executors vote"));

  /** Who does what: mallory answers wrongly on purpose and only takes part in quorum work. */
  static List<Executor> executors() {
    Set<String> all = Set.of("rules", "echo", "word-count", "json", "reverse", "uppercase");
    Set<String> noQuorum = Set.of("echo", "word-count", "json", "reverse", "uppercase");
    return List.of(
        new RulesExecutor("alice", all, List.of(), false, 16),
        new RulesExecutor("bob", all, List.of(), false, 16),
        new RulesExecutor("carol", noQuorum, List.of(), false, 16),
        new RulesExecutor("dave", noQuorum, List.of(), false, 16),
        new RulesExecutor("mallory", Set.of("rules"), List.of(), true, 16));
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path stateDir = dir != null ? dir : Files.createTempDirectory("wattswarm-demo-");
    Files.createDirectories(stateDir);
    StateDir sd = new StateDir(stateDir);
    NodeConfig cfg = NodeConfig.local(stateDir).withControlPort(0);
    long t0 = System.currentTimeMillis();
    NodeHost host = NodeHost.start(cfg, sd, Clock.systemUTC(), new SecureRandom(), executors());
    try {
      String me = host.node().nodeId().toString();
      out.println("wattswarm demo: one local node, five executors, " + TASKS.size() + " tasks");
      out.printf("  node      %s%n", me);
      out.printf("  executors alice, bob, carol, dave (honest rules executors), mallory (faulty: answers wrongly)%n");
      out.printf("  storage   %s in %s%n", host.node().store().backend(), stateDir);
      out.println();
      Map<String, DemoTask> byId = new LinkedHashMap<>();
      for (DemoTask t : TASKS) byId.put(t.id(), t);
      CountDownLatch finished = new CountDownLatch(TASKS.size());
      Map<String, TaskState> finals = new java.util.concurrent.ConcurrentHashMap<>();
      host.tasks().tracker().subscribe(c -> {
        if (!byId.containsKey(c.after().taskId())) return;
        synchronized (out) {
          out.println(step(c, me));
          out.flush();
        }
        if (c.after().phase().terminal() && finals.putIfAbsent(c.after().taskId(), c.after()) == null) finished.countDown();
      });
      for (DemoTask t : TASKS) {
        ObjectNode task = CanonicalJson.object().put("task_id", t.id()).put("task_type", "swarm")
            .put("profile", t.profile()).put("capability", t.capability());
        task.putObject("inputs").put("prompt", t.prompt());
        host.tasks().service().submit(task);
      }
      boolean done = finished.await(timeoutSeconds, TimeUnit.SECONDS);
      out.println();
      out.println("results:");
      int ok = 0;
      int quorum = 0;
      int outvoted = 0;
      for (DemoTask t : TASKS) {
        JsonNode doc = host.tasks().service().get(t.id()).orElseThrow();
        String state = doc.path("state").asText();
        if (state.equals("finalized")) ok++;
        if (t.profile().equals("quorum")) {
          quorum++;
          if (malloryOutvoted(doc)) outvoted++;
        }
        String answer = doc.has("output") ? CanonicalJson.encodeString(doc.path("output").path("answer")) : doc.path("last_error").asText();
        String who = doc.path("executor").asText("");
        who = who.contains("/") ? who.substring(who.indexOf('/') + 1) : who;
        out.printf("  %-18s %-6s %-9s %-19s -> %s%s%n", t.id(), t.profile(), state, "(" + t.note() + ")", answer,
            who.isEmpty() ? "" : "  [" + who + (t.profile().equals("quorum") ? " + quorum " + doc.path("spec").path("quorum").path("threshold").asInt() + "/" + doc.path("spec").path("quorum").path("executors").asInt() : "") + "]");
      }
      long events = host.node().store().count();
      out.println();
      out.printf("%d of %d tasks finalized in %d ms; %d signed events in the log (check them: ./wattswarm --state-dir %s log verify)%n",
          ok, TASKS.size(), System.currentTimeMillis() - t0, events, stateDir);
      // say only what the log shows: a quorum task counts when mallory's wrong candidate lost the vote
      if (outvoted == quorum) {
        out.println("mallory proposed wrong answers to the quorum tasks; the honest majority outvoted it in commit-reveal votes.");
      } else {
        out.printf("mallory was outvoted in %d of %d quorum tasks (in the others it held no slot, or the task did not finalize).%n",
            outvoted, quorum);
      }
      out.printf("control plane: %s  (token: %s)%n", host.controlUrl(), sd.file(StateDir.TOKEN));
      out.printf("supervision console: %s/supervision  (log in: ./wattswarm --state-dir %s console%s)%n", host.controlUrl(),
          stateDir, keepRunning ? "" : ", with demo --keep-running");
      out.flush();
      if (!done) {
        spec.commandLine().getErr().println("demo: not every task finished within " + timeoutSeconds + " s");
        return 1;
      }
      if (keepRunning) {
        out.println("the node keeps running; press Ctrl-C to stop");
        out.flush();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          host.close();
          stop.countDown();
        }, "ws-shutdown"));
        stop.await();
        return 0;
      }
      return ok == TASKS.size() ? 0 : 1;
    } finally {
      if (!keepRunning) host.close();
    }
  }

  /** One readable line per lifecycle step. */
  /** Finalized, mallory proposed a candidate in the deciding attempt, and another one won. */
  static boolean malloryOutvoted(JsonNode doc) {
    if (!doc.path("state").asText().equals("finalized")) return false;
    String winner = doc.path("result_hash").asText();
    for (var it = doc.path("candidates").fields(); it.hasNext(); ) {
      var e = it.next();
      if (e.getKey().endsWith("/mallory")) return !e.getValue().path("hash").asText().equals(winner);
    }
    return false;
  }

  static String step(TaskTracker.Change c, String me) {
    var e = c.event();
    JsonNode p = CanonicalJson.parse(e.payload());
    String id = c.after().taskId();
    String what = switch (e.type()) {
      case TaskEventTypes.CREATED -> "created (" + p.path("profile").asText() + ", needs '" + p.path("capability").asText() + "')";
      case TaskEventTypes.CLAIMED -> "claimed by " + shortName(p.path("executor").asText());
      case TaskEventTypes.CANDIDATE_PROPOSED -> shortName(p.path("executor").asText()) + " proposed "
          + CanonicalJson.encodeString(p.path("output").path("answer")) + "  #" + p.path("candidate_hash").asText().substring(0, 8);
      case TaskEventTypes.VERIFIER_RESULT -> shortName(p.path("verifier").asText()) + " checked #"
          + p.path("candidate_hash").asText().substring(0, 8) + ": " + p.path("verdict").asText();
      case TaskEventTypes.VOTE_COMMITTED -> shortName(p.path("voter").asText()) + " committed a sealed vote";
      case TaskEventTypes.VOTE_REVEALED -> shortName(p.path("voter").asText()) + " revealed its vote for #"
          + p.path("candidate_hash").asText().substring(0, 8);
      case TaskEventTypes.DECISION_COMMITTED -> "quorum reached: " + p.path("votes").asInt() + " votes for #"
          + p.path("candidate_hash").asText().substring(0, 8);
      case TaskEventTypes.FINALIZED -> "FINALIZED with " + CanonicalJson.encodeString(c.after().result().output().path("answer"))
          + " from " + shortName(c.after().result().executor());
      case TaskEventTypes.ERROR -> "error: " + p.path("message").asText();
      case TaskEventTypes.RETRY_SCHEDULED -> "retry " + p.path("attempt").asInt() + " scheduled: " + p.path("reason").asText();
      case TaskEventTypes.EXPIRED -> "EXPIRED: " + p.path("reason").asText();
      case TaskEventTypes.CANCELLED -> "cancelled";
      default -> e.type();
    };
    return String.format("  %-18s %s", id, what);
  }

  static String shortName(String executor) {
    int slash = executor.indexOf('/');
    return slash < 0 ? executor : executor.substring(slash + 1);
  }
}
