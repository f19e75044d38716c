package dev.wattswarm.server.metrics;

import static dev.wattswarm.server.metrics.MetricsTest.promtoolCheck;
import static dev.wattswarm.server.metrics.MetricsTest.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wattswarm.agents.Strategy;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.network.Contact;
import dev.wattswarm.server.NetworkNodes;
import dev.wattswarm.server.NodeHost;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Two connected nodes: peers, remote events and p2p request latencies show up on both sides. */
@org.junit.jupiter.api.Timeout(300)
class MetricsNetworkTest extends NetworkNodes {
  final HttpClient http = HttpClient.newHttpClient();

  String scrape(NodeHost h) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(h.controlUrl() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void peersRemoteEventsAndP2pRequestsAreMeasured() throws Exception {
    NodeHost a = start("a", "127.0.0.61", "network", null, "lead:coordinator:coordination");
    NodeHost b = start("b", "127.0.0.62", "wan", new Contact(a.node().nodeId(), a.network().advertisedAddress()), "sec-b:specialist:security");
    await().atMost(Duration.ofSeconds(60)).until(() -> value(scrape(a), "wattswarm_p2p_peers") == 1.0 && value(scrape(b), "wattswarm_p2p_peers") == 1.0);
    await().atMost(Duration.ofSeconds(60)).until(() -> a.agents().registry().matching("security").size() == 1);

    var reply = a.agents().operatorRequest("security", CanonicalJson.parse("{\"code\":\"eval(x)\"}"), Strategy.FIRST, 30_000);
    assertThat(reply.nodeId()).isEqualTo(b.node().nodeId().toString());

    String sa = scrape(a);
    String sb = scrape(b);
    assertThat(value(sa, "wattswarm_p2p_requests_seconds_count{direction=\"out\",outcome=\"ok\",service=\"agents\"}")).isGreaterThanOrEqualTo(1.0);
    await().atMost(Duration.ofSeconds(30)).until(() ->
        value(scrape(b), "wattswarm_p2p_requests_seconds_count{direction=\"in\",outcome=\"ok\",service=\"agents\"}") >= 1.0);
    // b holds a's events (its node start, the network parameters, agent announcements)
    assertThat(value(sb, "wattswarm_events_appended_total{origin=\"remote\"}")).isGreaterThan(0.0);
    assertThat(value(sb, "wattswarm_p2p_strikes_total")).isEqualTo(0.0);
    promtoolCheck(sa);
    promtoolCheck(sb);
  }
}
