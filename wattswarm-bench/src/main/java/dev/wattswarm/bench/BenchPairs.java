package dev.wattswarm.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.agents.PeerClient;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The two-node figures of {@code bench agents|tasks --substrate nats}, for either substrate. */
final class BenchPairs {
  /** A request service id no node uses: the bench's bare echo over the substrate. */
  private static final int ECHO_SERVICE = 99;

  private BenchPairs() {}

  /**
   * Agent request/reply across two nodes (returned), and the substrate's own request/reply
   * (signed and bound to the node asked; put in {@code out} as {@code substrate_request_reply}).
   */
  static ObjectNode agentsAndRequests(Path dir, String natsUrl, int n, ObjectNode out) throws Exception {
    try (BenchPair pair = BenchPair.start(dir, natsUrl, List.of("lead:coordinator:coordination"), List.of("echo:specialist:echo"), null)) {
      pair.awaitMembers();
      PeerClient lead = pair.a().agents().client("lead");
      long until = System.nanoTime() + 30_000_000_000L;
      while (lead.discover("echo").isEmpty() && System.nanoTime() < until) Thread.sleep(50);
      ObjectNode body = CanonicalJson.object().put("ping", "x".repeat(48));
      for (int i = 0; i < Math.min(500, n); i++) lead.request("echo", body, 10_000);
      ObjectNode agents = Timed.run(n, i -> lead.request("echo", body, 10_000));
      pair.b().network().router().register(ECHO_SERVICE, (peer, req) -> CompletableFuture.completedFuture(req));
      var sub = pair.a().network().substrate();
      var to = pair.b().node().nodeId();
      byte[] req = new byte[64];
      req[0] = ECHO_SERVICE;
      for (int i = 0; i < 500; i++) sub.request(to, req, 10_000).get();
      out.set("substrate_request_reply", Timed.run(n, i -> sub.request(to, req, 10_000).get()));
      return agents;
    }
  }

  /** Fast tasks created on one node and executed on the other: a warm-up round, then {@code n}. */
  static ObjectNode remoteTasks(Path dir, String natsUrl, int n) throws Exception {
    try (BenchPair pair = BenchPair.start(dir, natsUrl, List.of(), List.of(), RemoteTasks.EXECUTORS)) {
      pair.awaitMembers();
      RemoteTasks.run(pair, "warm-", Math.min(200, n));
      return RemoteTasks.run(pair, "nb-", n);
    }
  }
}
