package dev.wattswarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What the demo does once its nodes are up, all through the nodes' control planes as any client
 * would: wait for the swarm to form, submit tasks on node-1, follow them live, ask an agent on
 * another node, and print what the logs say happened, including who voted for what.
 */
final class DemoScript {
  record DemoTask(String id, String capability, String prompt, boolean quorum) {}

  static final List<DemoTask> TASKS = List.of(
      new DemoTask("demo-wordcount", "word-count", "the quick brown fox jumps over the lazy dog", false),
      new DemoTask("demo-reverse", "reverse", "reverse: wattswarm", false),
      new DemoTask("demo-upper", "uppercase", "upper: agents without a cloud", false),
      new DemoTask("demo-json", "json", "{\"zeta\": 1, \"alpha\": [2, 3]}", false),
      new DemoTask("demo-quorum", "rules", "count the words in this sentence please", true));

  private static final String FAST = "\"word-count\",\"reverse\",\"uppercase\",\"json\"";

  /**
   * node-1 coordinates (its only executor takes part in quorums), node-2 and node-3 do the fast
   * work, and node-3's mallory lies in quorums. Agents: a coordinator on node-1, specialists on
   * node-2 (security) and node-3 (docs).
   */
  static void members(DemoSwarm swarm, int n) throws java.io.IOException {
    swarm.add("node-1", "{\"executors\":[{\"name\":\"alice\",\"capabilities\":[\"rules\"]}]}",
        "--role", "coordinator", "--capabilities", "coordination");
    swarm.add("node-2", "{\"executors\":[{\"name\":\"bob\",\"capabilities\":[\"rules\"," + FAST + "]}]}",
        "--agent", "sec:specialist:security,audit");
    swarm.add("node-3", "{\"executors\":[{\"name\":\"carol\",\"capabilities\":[" + FAST + "]},"
        + "{\"name\":\"mallory\",\"capabilities\":[\"rules\"],\"faulty\":true}]}", "--agent", "docs:specialist:docs");
    for (int i = 4; i <= n; i++) {
      swarm.add("node-" + i, "{\"executors\":[{\"name\":\"worker" + i + "\",\"capabilities\":[" + FAST + "]}]}");
    }
  }

  private final DemoSwarm swarm;
  private final PrintWriter out;
  private final long timeoutMs;

  DemoScript(DemoSwarm swarm, PrintWriter out, long timeoutMs) {
    this.swarm = swarm;
    this.out = out;
    this.timeoutMs = timeoutMs;
  }

  private void say(String format, Object... args) {
    say(out, format, args);
  }

  /** One line of the demo's story; the tasks are followed from several threads at once. */
  static void say(PrintWriter out, String format, Object... args) {
    synchronized (out) {
      out.printf(format + "%n", args);
      out.flush();
    }
  }

  boolean run() throws Exception {
    DemoSwarm.Member first = swarm.members().get(0);
    ControlClient c1 = first.client();
    long deadline = System.currentTimeMillis() + timeoutMs;
    int others = swarm.members().size() - 1;
    // formed: node-1 has a link to each other node, and their agents' announcements arrived
    waitFor(deadline, "node-1 to see " + others + " peers",
        () -> c1.get("/v1/peers").path("peers").size() >= others);
    waitFor(deadline, "node-2's security agent to be announced to node-1",
        () -> c1.get("/v1/agents?capability=security").path("agents").size() > 0);
    say("%nswarm formed: node-1 is linked to %d peers; every node verified the genesis-signed network bundle", others);
    say("%ntasks submitted to node-1 (executed where a capable executor is; quorum = one vote per node):");
    Map<String, JsonNode> finals = new ConcurrentHashMap<>();
    CountDownLatch done = new CountDownLatch(TASKS.size());
    for (DemoTask t : TASKS) {
      c1.post("/v1/tasks", CanonicalJson.encode(DemoCommand.task(t.id(), t.capability(), t.prompt(), t.quorum())));
      Thread.ofVirtual().start(() -> follow(c1, t, finals, done));
    }
    boolean allEnded = done.await(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    boolean ok = allEnded & results(c1, finals);
    ok &= agentRequest(c1);
    ok &= agreement();
    return ok;
  }

  /** Streams one task's events from node-1 until it ends, one line per step. */
  private void follow(ControlClient c, DemoTask t, Map<String, JsonNode> finals, CountDownLatch done) {
    try {
      String[] last = {""};
      c.stream("/v1/tasks/" + t.id() + "/events?follow=true", (name, data) -> {
        String line = step(CanonicalJson.parse(data));
        if (line != null && !line.equals(last[0])) say("  %-15s %s", t.id(), line);
        if (line != null) last[0] = line;
        return true;
      });
      finals.put(t.id(), c.get("/v1/tasks/" + t.id()));
    } catch (RuntimeException e) {
      say("  %-15s could not follow: %s", t.id(), e.getMessage());
    } finally {
      done.countDown();
    }
  }

  /** One readable line for a lifecycle event, naming executors as name@node. */
  String step(JsonNode e) {
    JsonNode p = e.path("payload");
    return switch (e.path("type").asText()) {
      case "task.created" -> "created on " + swarm.nameOf(e.path("author").asText()) + ", needs '" + p.path("capability").asText() + "'";
      case "task.assigned" -> "assigned to " + who(p.path("executor").asText());
      case "task.candidate_proposed" -> who(p.path("executor").asText()) + " proposed " + answer(p.path("output"));
      case "task.vote_revealed" -> who(p.path("voter").asText()) + " revealed its vote for #" + prefix(p.path("candidate_hash").asText());
      case "task.decision_committed" -> "decided: #" + prefix(p.path("candidate_hash").asText()) + " has the quorum";
      case "task.finalized" -> "FINALIZED" + (p.has("output") ? " with " + answer(p.path("output")) + " from " + who(p.path("executor").asText()) : "");
      case "task.error" -> "error from " + who(p.path("executor").asText()) + ": " + p.path("message").asText();
      case "task.expired" -> "EXPIRED: " + p.path("reason").asText();
      default -> null;
    };
  }

  private String who(String executorId) {
    int slash = executorId.indexOf('/');
    return slash < 0 ? executorId : executorId.substring(slash + 1) + "@" + swarm.nameOf(executorId.substring(0, slash));
  }

  private static String answer(JsonNode output) {
    return CanonicalJson.encodeString(output.path("answer"));
  }

  private static String prefix(String hash) {
    return hash.length() > 8 ? hash.substring(0, 8) : hash;
  }

  /** The table of outcomes and, for the quorum, each node's vote and whether the liar lost. */
  private boolean results(ControlClient c, Map<String, JsonNode> finals) {
    say("%nresults (as node-1's log has them):");
    boolean ok = true;
    for (DemoTask t : TASKS) {
      JsonNode doc = finals.getOrDefault(t.id(), c.get("/v1/tasks/" + t.id()));
      String state = doc.path("state").asText();
      ok &= state.equals("finalized");
      say("  %-15s %-9s %-22s executed by %s", t.id(), state, doc.has("output") ? answer(doc.path("output")) : doc.path("last_error").asText(),
          doc.has("executor") ? who(doc.path("executor").asText()) : "-");
      if (!t.quorum()) continue;
      String winner = doc.path("result_hash").asText();
      boolean liarLost = false;
      for (var it = doc.path("reveals").fields(); it.hasNext(); ) {
        var v = it.next();
        String hash = v.getValue().isTextual() ? v.getValue().asText() : v.getValue().path("candidate_hash").asText();
        JsonNode cand = doc.path("candidates").path(v.getKey());
        say("      vote of %-18s for #%s %s", who(v.getKey()), prefix(hash), cand.isMissingNode() ? "" : "(it proposed " + answer(cand.path("output")) + ")");
        if (v.getKey().endsWith("/mallory") && !cand.path("hash").asText().equals(winner)) liarLost = true;
      }
      say(liarLost ? "      mallory@node-3 answered wrongly and was outvoted: each node had one vote, the honest majority decided"
          : "      (mallory held no quorum slot this time)");
    }
    return ok;
  }

  /** node-1 asks for a security review; only node-2 has such an agent, so the message crosses the network. */
  private boolean agentRequest(ControlClient c) {
    ObjectNode m = CanonicalJson.object().put("target", "security").put("timeout_ms", 30_000);
    m.putObject("body").put("code", "eval(input())");
    say("%nagent request from node-1 to capability 'security':");
    try {
      JsonNode r = c.post("/v1/agents/request", CanonicalJson.encode(m));
      say("  answered by agent %s on %s (%s): %s", r.path("agent_name").asText(), swarm.nameOf(r.path("node_id").asText()),
          r.path("location").asText(), CanonicalJson.encodeString(r.path("reply")));
      return true;
    } catch (CliException e) {
      say("  failed: %s", e.getMessage());
      return false;
    }
  }

  /** Every node holds the same states for the demo's tasks, computed from the same set of events. */
  private boolean agreement() throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    for (DemoSwarm.Member m : swarm.members().subList(1, swarm.members().size())) {
      ControlClient c = m.client();
      boolean same = waitQuietly(deadline, () -> {
        for (DemoTask t : TASKS) {
          JsonNode doc = c.get("/v1/tasks/" + t.id());
          if (!doc.path("state").asText().equals("finalized")) return false;
        }
        return true;
      });
      if (!same) {
        say("%n%s does not show every task finalized yet", m.name);
        return false;
      }
    }
    say("%nevery node shows the same final state for every task (each computed it from the same signed events)");
    return true;
  }

  interface Check {
    boolean ok() throws Exception;
  }

  private static void waitFor(long deadline, String what, Check check) throws InterruptedException {
    if (!waitQuietly(deadline, check)) throw new CliException(CliException.FAILED, "demo: gave up waiting for " + what);
  }

  static boolean waitQuietly(long deadline, Check check) throws InterruptedException {
    while (System.currentTimeMillis() < deadline) {
      try {
        if (check.ok()) return true;
      } catch (Exception notYet) {
        // a node still starting answers 404s or not at all; the deadline decides
      }
      Thread.sleep(100);
    }
    return false;
  }
}
