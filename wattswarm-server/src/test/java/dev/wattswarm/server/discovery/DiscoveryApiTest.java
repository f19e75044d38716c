package dev.wattswarm.server.discovery;

import dev.wattswarm.testkit.StepClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.agents.AgentSpec;
import dev.wattswarm.kernel.crypto.Ed25519;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.config.Mode;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.discovery.BootnodeUrls;
import dev.wattswarm.node.network.NodeRecord;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.server.NodeHost;
import dev.wattswarm.server.publicapi.PublicConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The Discovery v1 endpoints of a real node over HTTP: what is stored, what is refused and why, queries, expiry. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiscoveryApiTest {
  static final String OWN_URL = "http://discovery.example:7788/api/network/discovery";
  @TempDir static Path tmp;
  final SecureRandom rng = new SecureRandom();
  final HttpClient http = HttpClient.newHttpClient();
  final StepClock clock = new StepClock(System.currentTimeMillis());
  NodeHost host;
  String base;
  String net;

  @BeforeAll
  void start() throws Exception {
    NodeConfig cfg = NodeConfig.fromEnv(tmp, Map.of("WATTSWARM_NODE_MODE", "network", "WATTSWARM_P2P_LISTEN_ADDRS", "127.0.0.51:0"))
        .withControlPort(0);
    PublicConfig pub = PublicConfig.embedded(Mode.NETWORK).withRate(1000, 1000)
        .withDiscovery(List.of(OWN_URL), Optional.of(new NodeRecord.Location(52.52, 13.40)));
    host = NodeHost.start(cfg, new StateDir(tmp), clock, rng,
        NodeHost.Options.defaults().withAgents(List.of(AgentSpec.parse("scout:specialist:maps,search"))).withPublicHttp(pub));
    base = host.publicUrl() + "/api/network/discovery";
    net = host.node().networkId();
  }

  @AfterAll
  void stop() {
    host.close();
  }

  NodeRecord record(KeyPair k, String network, long issued, long ttl, List<String> caps, NodeRecord.Location loc) {
    return NodeRecord.sign(k, network, List.of("127.0.0.9:4001"), null, caps, Optional.ofNullable(loc), issued, ttl);
  }

  HttpResponse<String> post(byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + "/records")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static String code(HttpResponse<String> r) {
    JsonNode e = CanonicalJson.parse(r.body()).path("error");
    assertThat(e.path("message").asText()).isNotBlank().doesNotContain("\n");
    return e.path("code").asText();
  }

  List<String> ids(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return java.util.stream.StreamSupport.stream(CanonicalJson.parse(r.body()).path("records").spliterator(), false)
        .map(n -> n.path("node_id").asText()).toList();
  }

  @Test
  void theNodePublishesItsOwnSignedRecord() throws Exception {
    var r = get("/node/" + host.node().nodeId());
    assertThat(r.statusCode()).isEqualTo(200);
    NodeRecord own = NodeRecord.fromJson(CanonicalJson.parse(r.body()));
    own.verify(net, clock.millis());
    assertThat(own.capabilities()).containsExactly("maps", "search");
    assertThat(own.publicUrl()).isEqualTo(host.publicUrl());
    assertThat(own.addrs()).containsExactly(host.network().advertisedAddress());
    assertThat(own.location()).contains(new NodeRecord.Location(52.52, 13.40));
  }

  @Test
  void aSignedRecordIsStoredOnceServedAndItsReplaysRefused() throws Exception {
    KeyPair k = KeyPair.generate(rng);
    long now = clock.millis();
    NodeRecord older = record(k, net, now - 5_000, 600_000, List.of("ocr"), null);
    NodeRecord newer = record(k, net, now, 600_000, List.of("ocr"), null);
    assertThat(post(newer.encode()).statusCode()).isEqualTo(201);
    assertThat(post(newer.encode()).statusCode()).isEqualTo(200);
    var stale = post(older.encode());
    assertThat(stale.statusCode()).isEqualTo(409);
    assertThat(code(stale)).isEqualTo("stale");
    var got = get("/node/" + k.id());
    assertThat(NodeRecord.fromJson(CanonicalJson.parse(got.body()))).isEqualTo(newer);
    assertThat(ids(get("/records"))).contains(k.id().toString(), host.node().nodeId().toString());
  }

  @Test
  void forgedExpiredForeignOversizedAndMalformedRecordsAreRefusedWithAReasonAndNotStored() throws Exception {
    KeyPair k = KeyPair.generate(rng);
    long now = clock.millis();
    ObjectNode tampered = record(k, net, now, 600_000, List.of(), null).toJson();
    tampered.putArray("addrs").add("127.0.0.1:1");
    var forged = post(CanonicalJson.encode(tampered));
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(code(forged)).isEqualTo("bad_signature");
    var expired = post(record(k, net, now - 700_000, 600_000, List.of(), null).encode());
    assertThat(expired.statusCode()).isEqualTo(410);
    assertThat(code(expired)).isEqualTo("expired");
    var foreign = post(record(k, "net:someone-else", now, 600_000, List.of(), null).encode());
    assertThat(foreign.statusCode()).isEqualTo(400);
    assertThat(code(foreign)).isEqualTo("wrong_network");
    byte[] padded = new byte[NodeRecord.MAX_BYTES + 10];
    java.util.Arrays.fill(padded, (byte) ' ');
    byte[] rec = record(k, net, now, 600_000, List.of(), null).encode();
    System.arraycopy(rec, 0, padded, 0, rec.length);
    var oversized = post(padded);
    assertThat(oversized.statusCode()).isEqualTo(413);
    assertThat(code(oversized)).isEqualTo("too_large");
    var huge = post(new byte[200_000]);
    assertThat(huge.statusCode()).isEqualTo(413);
    for (String bad : List.of("", "not json", "{\"node_id\":\"z6Mk\"}", "[1,2]")) {
      var m = post(bad.getBytes());
      assertThat(m.statusCode()).as(bad).isEqualTo(400);
      assertThat(code(m)).isEqualTo("malformed");
    }
    assertThat(get("/node/" + k.id()).statusCode()).isEqualTo(404);
  }

  @Test
  void nearbyIsByGreatCircleDistanceNearestFirst() throws Exception {
    long now = clock.millis();
    KeyPair paris = KeyPair.generate(rng);
    KeyPair versailles = KeyPair.generate(rng);
    KeyPair newYork = KeyPair.generate(rng);
    post(record(paris, net, now, 600_000, List.of(), new NodeRecord.Location(48.85, 2.35)).encode());
    post(record(versailles, net, now, 600_000, List.of(), new NodeRecord.Location(48.80, 2.13)).encode());
    post(record(newYork, net, now, 600_000, List.of(), new NodeRecord.Location(40.71, -74.00)).encode());
    var near = ids(get("/nearby?lat=48.86&lon=2.34&radius_km=50"));
    assertThat(near).containsSubsequence(paris.id().toString(), versailles.id().toString()).doesNotContain(newYork.id().toString());
    assertThat(ids(get("/nearby?lat=48.86&lon=2.34&radius_km=6000"))).contains(newYork.id().toString());
    for (String q : List.of("", "?lat=48&lon=2", "?lat=x&lon=2&radius_km=5", "?lat=91&lon=2&radius_km=5", "?lat=1&lon=2&radius_km=-1",
        "?lat=1&lon=181&radius_km=5", "?lat=NaN&lon=2&radius_km=5")) {
      var r = get("/nearby" + q);
      assertThat(r.statusCode()).as(q).isEqualTo(400);
      assertThat(code(r)).isEqualTo("bad_request");
    }
  }

  @Test
  void capabilitySearchAndLookupsValidateTheirInput() throws Exception {
    KeyPair k = KeyPair.generate(rng);
    post(record(k, net, clock.millis(), 600_000, List.of("translate"), null).encode());
    assertThat(ids(get("/capability?capability=translate"))).containsExactly(k.id().toString());
    assertThat(ids(get("/capability?capability=maps"))).contains(host.node().nodeId().toString());
    assertThat(ids(get("/capability?capability=nothing-has-this"))).isEmpty();
    assertThat(get("/capability").statusCode()).isEqualTo(400);
    assertThat(get("/capability?capability=" + "x".repeat(200)).statusCode()).isEqualTo(400);
    assertThat(get("/node/not-a-node-id").statusCode()).isEqualTo(400);
    assertThat(code(get("/node/" + KeyPair.generate(rng).id()))).isEqualTo("not_found");
    assertThat(get("/records?limit=-3").statusCode()).isEqualTo(400);
  }

  @Test
  void recordsDisappearWhenTheyExpire() throws Exception {
    KeyPair k = KeyPair.generate(rng);
    post(record(k, net, clock.millis(), 60_000, List.of("ephemeral"), new NodeRecord.Location(-33.87, 151.21)).encode());
    assertThat(get("/node/" + k.id()).statusCode()).isEqualTo(200);
    clock.advance(60_001);
    try {
      assertThat(get("/node/" + k.id()).statusCode()).isEqualTo(404);
      assertThat(ids(get("/capability?capability=ephemeral"))).isEmpty();
      assertThat(ids(get("/nearby?lat=-33.87&lon=151.21&radius_km=10"))).isEmpty();
      assertThat(ids(get("/records"))).doesNotContain(k.id().toString());
    } finally {
      clock.advance(-60_001);
    }
  }

  @Test
  void joinJsonNamesTheNetworkContactsAndDiscoveryUrlsSignedByTheServingNode() throws Exception {
    var r = http.send(HttpRequest.newBuilder(URI.create(host.publicUrl() + "/.well-known/wattswarm/join.json")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    ObjectNode j = (ObjectNode) CanonicalJson.parse(r.body());
    assertThat(j.path("network_id").asText()).isEqualTo(net);
    assertThat(j.path("genesis_node_id").asText()).isEqualTo(host.node().nodeId().toString());
    assertThat(j.path("contacts").get(0).asText()).isEqualTo(host.node().nodeId() + "@" + host.network().advertisedAddress());
    assertThat(j.path("discovery_urls").get(0).asText()).isEqualTo(OWN_URL);
    byte[] sig = Hashes.unhex(j.remove("signature").asText());
    assertThat(Ed25519.verify(NodeId.parse(j.path("node_id").asText()).keyBytes(), CanonicalJson.encode(j), sig)).isTrue();
    assertThat(host.node().stateDir().file(BootnodeUrls.FILE)).doesNotExist();
  }
}
