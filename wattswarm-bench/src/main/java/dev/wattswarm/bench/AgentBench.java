package dev.wattswarm.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.agents.AgentSpec;
import dev.wattswarm.agents.PeerClient;
import dev.wattswarm.agents.Responder;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.network.StartupConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.server.NodeHost;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code bench agents}: agent-to-agent request/reply latency within one node and between two nodes
 * over TLS on loopback (two nodes in this JVM, each with its own transport and log), beside raw
 * TCP ping-pong on loopback measured in the same run.
 */
final class AgentBench implements BenchRunner.ExternalSuite {
  /** Echoes the body; it never blocks, so it answers on the thread the message arrived on. */
  static final Responder ECHO = new Responder() {
    @Override
    public com.fasterxml.jackson.databind.JsonNode respond(AgentSpec self, String from, com.fasterxml.jackson.databind.JsonNode body) {
      return body;
    }

    @Override
    public boolean blocking(com.fasterxml.jackson.databind.JsonNode body) {
      return false;
    }
  };
  private static final boolean ONLY_TWO_PROCESSES = "two_processes".equals(System.getProperty("wattswarm.bench.agents.only"));

  @Override
  public ObjectNode run(boolean quick, PrintStream progress) throws Exception {
    if (NatsBench.enabled) return NatsBench.agents(quick, progress);
    int n = quick ? 500 : 5_000;
    ObjectNode out = CanonicalJson.object();
    out.put("requests", n);
    progress.println("bench agents: raw TCP ping-pong baseline");
    out.set("baseline_raw_tcp", rawTcp(n * 4));
    progress.println("bench agents: NATS request/reply baseline");
    out.set("baseline_nats_request_reply", NatsBaseline.requestReply(n));
    Path dir = Files.createTempDirectory("ws-bench-agents");
    try {
      if (ONLY_TWO_PROCESSES) {
        // -Dwattswarm.bench.agents.only=two_processes: the baselines and the cross-process figure alone, for profiling
        try (NodeHost ha = NodeHost.start(NodeConfig.fromEnv(dir.resolve("a"), Map.of("WATTSWARM_NODE_MODE", "network",
            "WATTSWARM_P2P_LISTEN_ADDRS", "127.0.0.51:0")).withControlPort(0), new StateDir(dir.resolve("a")), Clock.systemUTC(),
            new SecureRandom(), NodeHost.Options.defaults().withExecutors(List.of())
                .withAgents(List.of(AgentSpec.parse("lead:coordinator:coordination"))))) {
          out.set("two_processes", acrossProcesses(ha, dir.resolve("p"), n, quick, progress));
        }
        return out;
      }
      progress.println("bench agents: within one node");
      try (NodeHost h = NodeHost.start(NodeConfig.local(dir.resolve("solo")), new StateDir(dir.resolve("solo")), Clock.systemUTC(),
          new SecureRandom(), NodeHost.Options.defaults().withExecutors(List.of())
              .withAgents(List.of(AgentSpec.parse("lead:coordinator:coordination"), AgentSpec.parse("echo:specialist:echo")))
              .withResponders(Map.of("echo", ECHO)))) {
        out.set("same_node", measure(h.agents().client("lead"), n));
      }
      progress.println("bench agents: workflows of 1 decomposition x 8 parallel subtasks x synthesis");
      out.set("workflow_8_subtasks", workflows(dir.resolve("wf"), quick ? 50 : 300));
      progress.println("bench agents: across two nodes (TLS, loopback)");
      Path a = dir.resolve("a");
      Path b = dir.resolve("b");
      NodeConfig ca = NodeConfig.fromEnv(a, Map.of("WATTSWARM_NODE_MODE", "network", "WATTSWARM_P2P_LISTEN_ADDRS", "127.0.0.51:0")).withControlPort(0);
      try (NodeHost ha = NodeHost.start(ca, new StateDir(a), Clock.systemUTC(), new SecureRandom(),
          NodeHost.Options.defaults().withExecutors(List.of()).withAgents(List.of(AgentSpec.parse("lead:coordinator:coordination"))))) {
        Files.createDirectories(b);
        new StartupConfig(java.util.Optional.empty(), List.of()).withContact(
            new dev.wattswarm.node.network.Contact(ha.node().nodeId(), ha.network().advertisedAddress())).write(new StateDir(b));
        NodeConfig cb = NodeConfig.fromEnv(b, Map.of("WATTSWARM_NODE_MODE", "wan", "WATTSWARM_P2P_LISTEN_ADDRS", "127.0.0.52:0")).withControlPort(0);
        try (NodeHost hb = NodeHost.start(cb, new StateDir(b), Clock.systemUTC(), new SecureRandom(), NodeHost.Options.defaults().withExecutors(List.of())
            .withAgents(List.of(AgentSpec.parse("echo:specialist:echo"))).withResponders(Map.of("echo", ECHO)))) {
          PeerClient lead = ha.agents().client("lead");
          long until = System.nanoTime() + 30_000_000_000L;
          while (lead.discover("echo").isEmpty() && System.nanoTime() < until) Thread.sleep(50);
          ObjectNode two = measure(lead, n);
          // requests the far node could not take unsigned (it did not know the asker's agent yet), each asked again signed
          two.put("signed_again", hb.agents().counters().get("unsigned_unbound"));
          out.set("two_nodes", two);
        }
        progress.println("bench agents: across two processes (a `node up` child, TLS, loopback)");
        out.set("two_processes", acrossProcesses(ha, dir.resolve("p"), n, quick, progress));
      }
      progress.println("bench agents: to non-neighbour nodes of a ten-node swarm (TLS, loopback)");
      out.set("ten_nodes_non_neighbours", SwarmReachBench.run(dir.resolve("swarm"), n, progress));
    } finally {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    return out;
  }

  /** The far agent in its own JVM, started as a user would with `node up --agent`. */
  private static ObjectNode acrossProcesses(NodeHost ha, Path dir, int n, boolean quick, PrintStream progress) throws Exception {
    Files.createDirectories(dir);
    new StartupConfig(java.util.Optional.empty(), List.of()).withContact(
        new dev.wattswarm.node.network.Contact(ha.node().nodeId(), ha.network().advertisedAddress())).write(new StateDir(dir));
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        "dev.wattswarm.cli.Main", "--state-dir", dir.toString(), "node", "up", "--agent", "far:specialist:far-echo")
        .redirectErrorStream(true).redirectOutput(dir.resolve("node.log").toFile());
    pb.environment().put("WATTSWARM_CONTROL_PORT", "0");
    pb.environment().put("WATTSWARM_P2P_LISTEN_ADDRS", "127.0.0.53:0");
    Process p = pb.start();
    try {
      PeerClient lead = ha.agents().client("lead");
      long until = System.nanoTime() + 60_000_000_000L;
      while (lead.discover("far-echo").isEmpty() && System.nanoTime() < until && p.isAlive()) Thread.sleep(100);
      if (lead.discover("far-echo").isEmpty()) {
        return CanonicalJson.object().put("skipped", "the child node did not join: "
            + Files.readString(dir.resolve("node.log")).lines().reduce("", (a, b) -> b));
      }
      ObjectNode body = CanonicalJson.object().put("ping", "x".repeat(48));
      // the child is a fresh JVM on a shared 2-core machine: its compilers need seconds, not a few thousand requests
      // (measured: after 3 s p50 191 us / p99 8.3 ms, after 12 s 55 us / 164 us), so warm it until it stops getting faster
      long w0 = System.nanoTime();
      int warmed = warmUntilSteady(Long.getLong("wattswarm.bench.agents.warmup_ms", quick ? 10_000 : 15_000),
          () -> lead.request("far-echo", body, 10_000));
      long warmMs = (System.nanoTime() - w0) / 1_000_000;
      return Timed.run(n, i -> lead.request("far-echo", body, 10_000)).put("warmup_ms", warmMs).put("warmup_requests", warmed);
    } finally {
      p.destroy();
      if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
    }
  }

  /** Sequential workflows on one node: a coordinator and eight specialists with rules brains. */
  private static ObjectNode workflows(Path dir, int n) throws Exception {
    List<AgentSpec> specs = new java.util.ArrayList<>(List.of(AgentSpec.parse("lead:coordinator:coordination")));
    List<String> caps = new java.util.ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      specs.add(AgentSpec.parse("s" + i + ":specialist:c" + i + ":8"));
      caps.add("c" + i);
    }
    try (NodeHost h = NodeHost.start(NodeConfig.local(dir), new StateDir(dir), Clock.systemUTC(), new SecureRandom(),
        NodeHost.Options.defaults().withExecutors(List.of()).withAgents(specs))) {
      var engine = new dev.wattswarm.agents.workflow.WorkflowEngine(h.node(), h.agents(), 3, 10_000);
      var goal = CanonicalJson.parse("{\"kind\":\"code-review\",\"code\":\"x = eval(y)\"}");
      for (int i = 0; i < Math.min(20, n); i++) awaitFinished(engine, engine.start("warm-" + i, goal, caps).id());
      ObjectNode o = Timed.run(n, i -> awaitFinished(engine, engine.start("wf-" + i, goal, caps).id()));
      o.put("events_per_workflow", 10);
      engine.close();
      return o;
    }
  }

  private static void awaitFinished(dev.wattswarm.agents.workflow.WorkflowEngine e, String id) throws InterruptedException {
    long until = System.nanoTime() + 30_000_000_000L;
    while (!e.get(id).orElseThrow().finished()) {
      if (System.nanoTime() > until) throw new IllegalStateException("workflow " + id + " did not finish in 30 s");
      Thread.sleep(0, 200_000);
    }
  }

  private static ObjectNode measure(PeerClient lead, int n) throws Exception {
    ObjectNode body = CanonicalJson.object().put("ping", "x".repeat(48));
    warmUp(n < 5_000, () -> lead.request("echo", body, 10_000));
    return Timed.run(n, i -> lead.request("echo", body, 10_000));
  }

  /**
   * Requests until both sides' hot code is compiled: at least 2,000 and for at least 3 s (1,000 and
   * 1.5 s with --quick). 500 requests left a fresh child JVM measuring its interpreter and C1 code.
   */
  static int warmUp(boolean quick, Runnable request) {
    return warmUp(quick ? 1_000 : 2_000, quick ? 1_500 : 3_000, request);
  }

  /**
   * Batches of 1,000 requests until three batches in a row are no more than 10% faster (by p50)
   * than the fastest before them, after at least {@code minMs} and at most 30 s: a fresh JVM's
   * warm-up ends when its latency stops falling. Returns the requests made.
   */
  static int warmUntilSteady(long minMs, Runnable request) {
    long start = System.nanoTime();
    double best = Double.MAX_VALUE;
    int flat = 0;
    int made = 0;
    long[] lat = new long[1_000];
    while (System.nanoTime() - start < 30_000_000_000L) {
      for (int i = 0; i < lat.length; i++) {
        long t = System.nanoTime();
        request.run();
        lat[i] = System.nanoTime() - t;
      }
      made += lat.length;
      Arrays.sort(lat);
      double p50 = lat[lat.length / 2];
      flat = p50 < 0.9 * best ? 0 : flat + 1;
      best = Math.min(best, p50);
      if (flat >= 3 && System.nanoTime() - start >= minMs * 1_000_000L) break;
    }
    return made;
  }

  /** At least {@code minRequests} requests and for at least {@code minMs}; returns how many were made. */
  static int warmUp(int minRequests, long minMs, Runnable request) {
    long until = System.nanoTime() + minMs * 1_000_000L;
    int i = 0;
    for (; i < minRequests || System.nanoTime() < until; i++) request.run();
    return i;
  }

  private static ObjectNode rawTcp(int n) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Thread echo = Thread.ofVirtual().start(() -> {
        try (Socket s = server.accept(); var in = new DataInputStream(s.getInputStream()); var out = new DataOutputStream(s.getOutputStream())) {
          s.setTcpNoDelay(true);
          byte[] buf = new byte[64];
          while (true) {
            in.readFully(buf);
            out.write(buf);
            out.flush();
          }
        } catch (Exception done) {
          // client closed
        }
      });
      try (Socket c = new Socket(InetAddress.getByName("127.0.0.1"), server.getLocalPort());
          var in = new DataInputStream(c.getInputStream()); var out = new DataOutputStream(c.getOutputStream())) {
        c.setTcpNoDelay(true);
        byte[] buf = new byte[64];
        for (int i = 0; i < 2_000; i++) {
          out.write(buf);
          out.flush();
          in.readFully(buf);
        }
        return Timed.run(n, i -> {
          out.write(buf);
          out.flush();
          in.readFully(buf);
        });
      } finally {
        echo.interrupt();
      }
    }
  }

}
