package dev.wattswarm.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.agents.AgentSpec;
import dev.wattswarm.agents.PeerClient;
import dev.wattswarm.agents.Responder;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.nats.NatsConfig;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.node.swarm.SwarmConfig;
import dev.wattswarm.server.NodeHost;
import dev.wattswarm.testkit.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code bench agents|tasks --substrate nats}: the same figures over the nats substrate (two nodes
 * in this JVM on one local {@code nats-server -js}), beside raw jnats request/reply through the
 * same server in the same run, so the substrate's overhead (signing, verifying, routing) shows.
 */
final class NatsBench {
  /** Set by {@code --substrate nats}. */
  static volatile boolean enabled;
  private static final Responder ECHO = (self, from, body) -> body;

  private NatsBench() {}

  static ObjectNode agents(boolean quick, PrintStream progress) throws Exception {
    if (NatsServer.binary() == null) return CanonicalJson.object().put("skipped", "no nats-server binary: apt-get install nats-server");
    int n = quick ? 500 : 5_000;
    ObjectNode out = CanonicalJson.object().put("substrate", "nats").put("requests", n);
    Path dir = Files.createTempDirectory("ws-bench-nats");
    try (NatsServer server = NatsServer.start()) {
      progress.println("bench agents (nats): raw jnats request/reply through the same server");
      out.set("baseline_raw_jnats_request_reply", rawJnats(server.url(), n));
      SwarmConfig sw = SwarmConfig.nats(NatsConfig.of(List.of(server.url())), 1_000, 5_000);
      try (NodeHost a = start(dir.resolve("a"), sw, List.of("lead:coordinator:coordination"));
          NodeHost b = start(dir.resolve("b"), sw, List.of("echo:specialist:echo"))) {
        PeerClient lead = a.agents().client("lead");
        long until = System.nanoTime() + 30_000_000_000L;
        while (lead.discover("echo").isEmpty() && System.nanoTime() < until) Thread.sleep(50);
        progress.println("bench agents (nats): agent request/reply across two nodes");
        ObjectNode body = CanonicalJson.object().put("ping", "x".repeat(48));
        for (int i = 0; i < Math.min(500, n); i++) lead.request("echo", body, 10_000);
        long[] lat = new long[n];
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          long s = System.nanoTime();
          lead.request("echo", body, 10_000);
          lat[i] = System.nanoTime() - s;
        }
        out.set("two_nodes", stats(lat, System.nanoTime() - t0));
        progress.println("bench agents (nats): substrate request/reply (signed, bound to the node asked) across two nodes");
        b.network().router().register(99, (peer, req) -> java.util.concurrent.CompletableFuture.completedFuture(req));
        var sub = a.network().substrate();
        var to = b.node().nodeId();
        byte[] req = new byte[64];
        req[0] = 99;
        for (int i = 0; i < 500; i++) sub.request(to, req, 10_000).get();
        long[] sl = new long[n];
        long s0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          long s = System.nanoTime();
          sub.request(to, req, 10_000).get();
          sl[i] = System.nanoTime() - s;
        }
        out.set("substrate_request_reply", stats(sl, System.nanoTime() - s0));
        double raw = out.path("baseline_raw_jnats_request_reply").path("p50_us").asDouble();
        out.put("substrate_overhead_p50_x", Math.round(out.path("substrate_request_reply").path("p50_us").asDouble() / raw * 10) / 10.0);
        out.put("overhead_p50_x", Math.round(out.path("two_nodes").path("p50_us").asDouble() / raw * 10) / 10.0);
      }
    } finally {
      delete(dir);
    }
    return out;
  }

  static ObjectNode tasks(boolean quick, PrintStream progress) throws Exception {
    if (NatsServer.binary() == null) return CanonicalJson.object().put("skipped", "no nats-server binary: apt-get install nats-server");
    int n = quick ? 300 : 2_000;
    ObjectNode out = CanonicalJson.object().put("substrate", "nats").put("tasks", n);
    Path dir = Files.createTempDirectory("ws-bench-nats-tasks");
    try (NatsServer server = NatsServer.start()) {
      out.set("baseline_raw_jnats_request_reply", rawJnats(server.url(), quick ? 500 : 5_000));
      SwarmConfig sw = SwarmConfig.nats(NatsConfig.of(List.of(server.url())), 1_000, 5_000);
      Files.createDirectories(dir.resolve("b"));
      Files.writeString(dir.resolve("b/executors.json"), "{\"executors\":[{\"name\":\"w\",\"kind\":\"rules\",\"capabilities\":[\"far\"],"
          + "\"max_concurrent\":64,\"rules\":[{\"match\":\".*\",\"answer\":\"ok\"}]}]}");
      try (NodeHost a = start(dir.resolve("a"), sw, List.of()); NodeHost b = start(dir.resolve("b"), sw, List.of())) {
        progress.println("bench tasks (nats): " + n + " fast tasks created on one node, executed on the other");
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          ObjectNode t = CanonicalJson.object().put("task_id", "nb-" + i).put("task_type", "bench").put("capability", "far");
          t.putObject("inputs").put("prompt", "p" + i);
          a.tasks().service().submit(t);
        }
        long until = System.nanoTime() + 300_000_000_000L;
        int done = 0;
        while (System.nanoTime() < until) {
          done = 0;
          for (int i = 0; i < n; i++) {
            if (a.tasks().service().get("nb-" + i).map(j -> !j.path("result_hash").asText().isEmpty()).orElse(false)) done++;
          }
          if (done == n) break;
          Thread.sleep(200);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        out.put("finalized", done).put("seconds", Math.round(secs * 100) / 100.0).put("tasks_per_s", Math.round(done / secs));
      }
    } finally {
      delete(dir);
    }
    return out;
  }

  private static NodeHost start(Path dir, SwarmConfig sw, List<String> agents) throws Exception {
    Files.createDirectories(dir);
    NodeConfig cfg = NodeConfig.fromEnv(dir, Map.of("WATTSWARM_NODE_MODE", "network")).withControlPort(0);
    return NodeHost.start(cfg, new StateDir(dir), Clock.systemUTC(), new SecureRandom(), null,
        agents.stream().map(AgentSpec::parse).toList(), Map.of("echo", ECHO), sw);
  }

  private static ObjectNode rawJnats(String url, int n) throws Exception {
    Options opts = new Options.Builder().server(url).connectionTimeout(Duration.ofSeconds(5)).build();
    try (Connection c = Nats.connect(opts); Connection d2 = Nats.connect(opts)) {
      Dispatcher d = d2.createDispatcher(m -> d2.publish(m.getReplyTo(), m.getData()));
      d.subscribe("bench.echo");
      d2.flush(Duration.ofSeconds(5));
      byte[] payload = new byte[64];
      for (int i = 0; i < 2_000; i++) c.request("bench.echo", payload, Duration.ofSeconds(5));
      long[] lat = new long[n];
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        long s = System.nanoTime();
        if (c.request("bench.echo", payload, Duration.ofSeconds(5)) == null) throw new IllegalStateException("NATS request timed out");
        lat[i] = System.nanoTime() - s;
      }
      return stats(lat, System.nanoTime() - t0);
    }
  }

  private static ObjectNode stats(long[] lat, long totalNs) {
    long[] s = lat.clone();
    Arrays.sort(s);
    return CanonicalJson.object().put("p50_us", s[s.length / 2] / 1000.0)
        .put("p99_us", s[(int) Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)] / 1000.0).put("per_s", Math.round(s.length / (totalNs / 1e9)));
  }

  private static void delete(Path dir) {
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (Exception ignored) {
      // temp dir
    }
  }
}
