package dev.wattswarm.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.testkit.NatsServer;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code bench agents|tasks --substrate nats}: the same figures over the nats substrate (two nodes
 * in this JVM on one local {@code nats-server -js}), beside raw jnats request/reply through the
 * same server and the same two-node figures over p2p, all in one run, so the substrate's overhead
 * over raw NATS and its standing against p2p show.
 */
final class NatsBench {
  /** Set by {@code --substrate nats}. */
  static volatile boolean enabled;

  private NatsBench() {}

  static ObjectNode agents(boolean quick, PrintStream progress) throws Exception {
    if (NatsServer.binary() == null) return CanonicalJson.object().put("skipped", "no nats-server binary: apt-get install nats-server");
    int n = quick ? 500 : 5_000;
    ObjectNode out = CanonicalJson.object().put("substrate", "nats").put("requests", n);
    Path dir = Files.createTempDirectory("ws-bench-nats");
    try (NatsServer server = NatsServer.start()) {
      progress.println("bench agents (nats): raw jnats request/reply through the same server");
      out.set("baseline_raw_jnats_request_reply", rawJnats(server.url(), n));
      progress.println("bench agents (nats): agent and substrate request/reply across two nodes");
      out.set("two_nodes", BenchPairs.agentsAndRequests(dir.resolve("nats"), server.url(), n, out));
      // the same two measurements over p2p in the same run, so the substrates compare like for like
      progress.println("bench agents (nats): the same over p2p (TLS, loopback)");
      ObjectNode p2p = CanonicalJson.object();
      p2p.set("two_nodes", BenchPairs.agentsAndRequests(dir.resolve("p2p"), null, n, p2p));
      out.set("p2p", p2p);
      double raw = out.path("baseline_raw_jnats_request_reply").path("p50_us").asDouble();
      out.put("substrate_overhead_p50_x", Math.round(out.path("substrate_request_reply").path("p50_us").asDouble() / raw * 10) / 10.0);
      out.put("overhead_p50_x", Math.round(out.path("two_nodes").path("p50_us").asDouble() / raw * 10) / 10.0);
    } finally {
      delete(dir);
    }
    return out;
  }

  static ObjectNode tasks(boolean quick, PrintStream progress) throws Exception {
    if (NatsServer.binary() == null) return CanonicalJson.object().put("skipped", "no nats-server binary: apt-get install nats-server");
    int n = quick ? 1_000 : 5_000;
    ObjectNode out = CanonicalJson.object().put("substrate", "nats");
    Path dir = Files.createTempDirectory("ws-bench-nats-tasks");
    try (NatsServer server = NatsServer.start()) {
      out.set("baseline_raw_jnats_request_reply", rawJnats(server.url(), quick ? 500 : 5_000));
      progress.println("bench tasks (nats): " + n + " fast tasks created on one node, executed on the other");
      out.setAll(BenchPairs.remoteTasks(dir.resolve("nats"), server.url(), n));
      progress.println("bench tasks (nats): the same over p2p (TLS, loopback)");
      out.set("p2p", BenchPairs.remoteTasks(dir.resolve("p2p"), null, n));
    } finally {
      delete(dir);
    }
    return out;
  }

  private static ObjectNode rawJnats(String url, int n) throws Exception {
    Options opts = new Options.Builder().server(url).connectionTimeout(Duration.ofSeconds(5)).build();
    try (Connection c = Nats.connect(opts); Connection d2 = Nats.connect(opts)) {
      Dispatcher d = d2.createDispatcher(m -> d2.publish(m.getReplyTo(), m.getData()));
      d.subscribe("bench.echo");
      d2.flush(Duration.ofSeconds(5));
      byte[] payload = new byte[64];
      for (int i = 0; i < 2_000; i++) c.request("bench.echo", payload, Duration.ofSeconds(5));
      return Timed.run(n, i -> {
        if (c.request("bench.echo", payload, Duration.ofSeconds(5)) == null) throw new IllegalStateException("NATS request timed out");
      });
    }
  }


  private static void delete(Path dir) {
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (Exception ignored) {
      // temp dir
    }
  }
}
