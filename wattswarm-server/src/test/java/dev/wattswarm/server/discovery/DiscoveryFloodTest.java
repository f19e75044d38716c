package dev.wattswarm.server.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.agents.AgentSpec;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.config.Mode;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.network.NodeRecord;
import dev.wattswarm.node.network.RecordLimits;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.server.NodeHost;
import dev.wattswarm.server.publicapi.PublicConfig;
import dev.wattswarm.testkit.StepClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One client POSTing records of fresh keys gets only its address's budget of new nodes into the book. */
class DiscoveryFloodTest {
  @TempDir Path tmp;

  @Test
  void aClientPostingFreshKeysIsHeldToItsAddressBudgetWhileRenewalsPass() throws Exception {
    StepClock clock = new StepClock(System.currentTimeMillis());
    NodeConfig cfg = NodeConfig.fromEnv(tmp, Map.of("WATTSWARM_NODE_MODE", "network", "WATTSWARM_P2P_LISTEN_ADDRS", "127.0.0.53:0"))
        .withControlPort(0);
    PublicConfig pub = PublicConfig.embedded(Mode.NETWORK).withRate(1000, 1000);
    SecureRandom rng = new SecureRandom();
    HttpClient http = HttpClient.newHttpClient();
    try (NodeHost host = NodeHost.start(cfg, new StateDir(tmp), clock, rng,
        NodeHost.Options.defaults().withAgents(List.of(AgentSpec.parse("s:specialist:x"))).withPublicHttp(pub))) {
      String net = host.node().networkId();
      URI records = URI.create(host.publicUrl() + "/api/network/discovery/records");
      int budget = RecordLimits.defaults().perAddressBurst();
      List<KeyPair> stored = new ArrayList<>();
      List<String> refusedCodes = new ArrayList<>();
      for (int i = 0; i < budget + 40; i++) {
        KeyPair k = KeyPair.generate(rng);
        var r = post(http, records, NodeRecord.sign(k, net, List.of("127.0.0.9:4001"), null, List.of(), Optional.empty(), clock.millis(),
            600_000).encode());
        if (r.statusCode() == 201) stored.add(k);
        else {
          assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
          refusedCodes.add(CanonicalJson.parse(r.body()).path("error").path("code").asText());
        }
      }
      assertThat(stored).hasSize(budget);
      assertThat(refusedCodes).hasSize(40).containsOnly("source_quota");
      assertThat(host.discovery().book().size()).isEqualTo(1 + budget);
      // a renewal of a node already held is free
      clock.advance(1);
      var renewal = post(http, records, NodeRecord.sign(stored.get(0), net, List.of("127.0.0.9:4002"), null, List.of(), Optional.empty(),
          clock.millis(), 600_000).encode());
      assertThat(renewal.statusCode()).isEqualTo(201);
      // time earns the address one new node per refill interval
      clock.advance(RecordLimits.defaults().perAddressRefillMs());
      var later = post(http, records, NodeRecord.sign(KeyPair.generate(rng), net, List.of(), null, List.of(), Optional.empty(),
          clock.millis(), 600_000).encode());
      assertThat(later.statusCode()).isEqualTo(201);
      assertThat(host.discovery().counters()).containsEntry("refused.source_quota", 40L);
    }
  }

  static HttpResponse<String> post(HttpClient http, URI uri, byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}
