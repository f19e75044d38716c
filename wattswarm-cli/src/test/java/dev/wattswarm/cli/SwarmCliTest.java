package dev.wattswarm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's walk-through as separate `node up` processes on 127.0.0.x: a genesis node, a node
 * joining through its exported contact, a task executed across them, and a node that is killed,
 * misses events and catches up by itself.
 */
@org.junit.jupiter.api.Timeout(600)
class SwarmCliTest {
  @TempDir Path tmp;

  static Map<String, String> listen(String host) {
    return Map.of("WATTSWARM_P2P_LISTEN_ADDRS", host + ":0");
  }

  static JsonNode json(Cli c) {
    assertThat(c.exit()).as(c.err()).isZero();
    return CanonicalJson.parse(c.out());
  }

  static String contactOf(Path dir) {
    Cli c = Cli.run("--state-dir", dir.toString(), "node", "export-contact");
    assertThat(c.exit()).as(c.err()).isZero();
    return c.out().trim();
  }

  @Test
  void genesisJoinPeersAndATaskExecutedOnTheOtherNode() throws Exception {
    Path g = tmp.resolve("genesis");
    Path b = tmp.resolve("node2");
    try (NodeProcess genesis = NodeProcess.start(g, listen("127.0.0.2"), "--mode", "network")) {
      genesis.awaitReady();
      String contact = contactOf(g);
      assertThat(contact).matches("z6Mk\\w+@127\\.0\\.0\\.2:\\d+").doesNotEndWith(":0");
      // bad contacts change nothing
      Cli bad = Cli.run("--state-dir", b.toString(), "node", "add-bootstrap-contact", "not-a-contact");
      assertThat(bad.exit()).isNotZero();
      assertThat(bad.err()).contains("<node_id>@<host:port>");
      assertThat(b.resolve("startup_config.json")).doesNotExist();
      Cli add = Cli.run("--state-dir", b.toString(), "node", "add-bootstrap-contact", contact);
      assertThat(add.exit()).as(add.err()).isZero();
      assertThat(Files.readString(b.resolve("startup_config.json"))).contains("wan").contains(contact);
      Files.writeString(b.resolve("executors.json"),
          "{\"executors\":[{\"name\":\"tr\",\"capabilities\":[\"translate\"],\"rules\":[{\"match\":\"(?i)hello\",\"answer\":\"bonjour\"}]}]}");
      try (NodeProcess node2 = NodeProcess.start(b, listen("127.0.0.3"))) {
        var rt = node2.awaitReady();
        assertThat(rt.networkId()).isEqualTo("net:" + genesis.awaitReady().nodeId());
        await().atMost(Duration.ofSeconds(20)).until(() ->
            Cli.run("--state-dir", b.toString(), "peers", "list", "--json").out().contains(genesis.awaitReady().nodeId()));
        Path task = tmp.resolve("t.json");
        Files.writeString(task, "{\"task_id\":\"across-1\",\"capability\":\"translate\",\"inputs\":{\"prompt\":\"hello\"}}");
        assertThat(Cli.run("--state-dir", g.toString(), "task", "submit", task.toString()).exit()).isZero();
        Cli watch = Cli.run("--state-dir", g.toString(), "task", "watch", "across-1");
        assertThat(watch.exit()).as(watch.out() + watch.err()).isZero();
        JsonNode onGenesis = json(Cli.run("--state-dir", g.toString(), "task", "show", "across-1", "--json"));
        assertThat(onGenesis.path("executor").asText()).startsWith(rt.nodeId() + "/");
        assertThat(onGenesis.path("output").path("answer").asText()).isEqualTo("bonjour");
        await().atMost(Duration.ofSeconds(20)).until(() -> {
          Cli show = Cli.run("--state-dir", b.toString(), "task", "show", "across-1", "--json");
          return show.exit() == 0 && CanonicalJson.parse(show.out()).path("state").asText().equals("finalized");
        });
      }
    }
  }

  @Test
  void anUnreachableContactIsAClearErrorAndP2pCanBeSwitchedOff() throws Exception {
    Path b = tmp.resolve("lonely");
    Cli add = Cli.run("--state-dir", b.toString(), "node", "add-bootstrap-contact",
        "z6MkwLbxFqd35Cqzat4WRSbSjyJFWZMFbEfAuDHJKSdrztB4@127.0.0.9:9");
    assertThat(add.exit()).isZero();
    try (NodeProcess n = NodeProcess.start(b, listen("127.0.0.4"))) {
      assertThat(n.process.waitFor()).isNotZero();
      assertThat(n.output()).contains("bootstrap contact").contains("127.0.0.9:9");
      assertThat(b.resolve("network.json")).doesNotExist();
    }
    Map<String, String> off = Map.of("WATTSWARM_P2P_ENABLED", "false");
    try (NodeProcess n = NodeProcess.start(b, off)) {
      var rt = n.awaitReady();
      assertThat(rt.p2pAddr()).isEmpty();
      assertThat(rt.networkId()).startsWith("local:");
    }
  }

  @Test
  void aNodeKilledForAWhileCatchesUpByItself() throws Exception {
    Path g = tmp.resolve("g");
    Path b = tmp.resolve("b");
    Path c = tmp.resolve("c");
    try (NodeProcess genesis = NodeProcess.start(g, listen("127.0.0.5"), "--mode", "network")) {
      genesis.awaitReady();
      String contact = contactOf(g);
      for (Path p : new Path[] {b, c}) assertThat(Cli.run("--state-dir", p.toString(), "node", "add-bootstrap-contact", contact).exit()).isZero();
      try (NodeProcess nb = NodeProcess.start(b, listen("127.0.0.6"))) {
        nb.awaitReady();
        NodeProcess nc = NodeProcess.start(c, listen("127.0.0.7"));
        nc.awaitReady();
        await().atMost(Duration.ofSeconds(20)).until(() -> Cli.run("--state-dir", c.toString(), "peers", "list", "--json").out().contains("node_id"));
        nc.process.destroyForcibly();
        nc.process.waitFor();
        // while c is away, the swarm does work
        for (int i = 0; i < 5; i++) {
          Path t = tmp.resolve("t" + i + ".json");
          Files.writeString(t, "{\"task_id\":\"away-" + i + "\",\"inputs\":{\"prompt\":\"reverse: abc" + i + "\"}}");
          assertThat(Cli.run("--state-dir", g.toString(), "task", "submit", t.toString()).exit()).isZero();
          assertThat(Cli.run("--state-dir", g.toString(), "task", "watch", "away-" + i).exit()).isZero();
        }
        long genesisEvents = json(Cli.run("--state-dir", g.toString(), "log", "head", "--json")).path("events").asLong();
        try (NodeProcess back = NodeProcess.start(c, listen("127.0.0.7"))) {
          back.awaitReady();
          await().atMost(Duration.ofSeconds(30)).until(() -> {
            Cli list = Cli.run("--state-dir", c.toString(), "task", "list", "--state", "finalized", "--json");
            return list.exit() == 0 && CanonicalJson.parse(list.out()).path("tasks").size() == 5;
          });
          Cli verify = Cli.run("--state-dir", c.toString(), "log", "verify");
          assertThat(verify.exit()).as(verify.err()).isZero();
          assertThat(genesisEvents).isPositive();
        }
      }
    }
  }

  /**
   * A quorum task routed to region:eu: executors on two subscribed nodes vote on it, both agree on
   * the result, and a node that does not subscribe to the region never receives its events.
   */
  @Test
  void aScopedQuorumTaskStaysInItsScopeAndSubscribersAgree() throws Exception {
    Path g = tmp.resolve("g");
    Path b = tmp.resolve("b");
    Path c = tmp.resolve("c");
    String one = "{\"executors\":[{\"name\":\"x1\",\"capabilities\":[\"x\"]}]}";
    String two = "{\"executors\":[{\"name\":\"x2\",\"capabilities\":[\"x\"]},{\"name\":\"x3\",\"capabilities\":[\"x\"]}]}";
    Files.createDirectories(g);
    Files.createDirectories(b);
    Files.writeString(g.resolve("executors.json"), one);
    Files.writeString(b.resolve("executors.json"), two);
    Map<String, String> eu = Map.of("WATTSWARM_P2P_LISTEN_ADDRS", "127.0.0.8:0", "WATTSWARM_P2P_REGION_IDS", "eu");
    try (NodeProcess genesis = NodeProcess.start(g, eu, "--mode", "network")) {
      genesis.awaitReady();
      String contact = contactOf(g);
      for (Path p : new Path[] {b, c}) assertThat(Cli.run("--state-dir", p.toString(), "node", "add-bootstrap-contact", contact).exit()).isZero();
      try (NodeProcess nb = NodeProcess.start(b, Map.of("WATTSWARM_P2P_LISTEN_ADDRS", "127.0.0.9:0", "WATTSWARM_P2P_REGION_IDS", "eu"));
          NodeProcess nc = NodeProcess.start(c, listen("127.0.0.10"))) {
        nb.awaitReady();
        nc.awaitReady();
        await().atMost(Duration.ofSeconds(20)).until(() -> json(Cli.run("--state-dir", g.toString(), "peers", "list", "--json")).path("peers").size() >= 2);
        Path t = tmp.resolve("q.json");
        // two subscribed nodes, one vote each: the quorum is 2 of 2 (b's second executor gets no slot)
        Files.writeString(t, "{\"task_id\":\"eu-q\",\"profile\":\"quorum\",\"capability\":\"x\",\"quorum\":{\"executors\":2,\"threshold\":2},"
            + "\"inputs\":{\"prompt\":\"count the words in this one\",\"swarm_scope\":{\"kind\":\"region\",\"id\":\"eu\"}}}");
        assertThat(Cli.run("--state-dir", g.toString(), "task", "submit", t.toString()).exit()).isZero();
        Cli watch = Cli.run("--state-dir", g.toString(), "task", "watch", "eu-q");
        assertThat(watch.exit()).as(watch.out() + watch.err()).isZero();
        JsonNode onG = json(Cli.run("--state-dir", g.toString(), "task", "show", "eu-q", "--json"));
        // one candidate from each subscribed node; the decision needed both reveals
        assertThat(onG.path("candidates").size()).isEqualTo(2);
        java.util.Set<String> nodesTakingPart = new java.util.HashSet<>();
        onG.path("candidates").fieldNames().forEachRemaining(ex -> nodesTakingPart.add(ex.substring(0, ex.indexOf('/'))));
        assertThat(nodesTakingPart).containsExactlyInAnyOrder(genesis.awaitReady().nodeId(), nb.awaitReady().nodeId());
        assertThat(onG.path("reveals").size()).isGreaterThanOrEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
          Cli show = Cli.run("--state-dir", b.toString(), "task", "show", "eu-q", "--json");
          return show.exit() == 0 && CanonicalJson.parse(show.out()).path("state").asText().equals("finalized");
        });
        JsonNode onB = json(Cli.run("--state-dir", b.toString(), "task", "show", "eu-q", "--json"));
        assertThat(onB.path("result_hash")).isEqualTo(onG.path("result_hash"));
        assertThat(onB.path("output")).isEqualTo(onG.path("output"));
        Cli onC = Cli.run("--state-dir", c.toString(), "task", "show", "eu-q");
        assertThat(onC.exit()).isNotZero();
        assertThat(Cli.run("--state-dir", c.toString(), "events", "tail", "-n", "1000", "--task", "eu-q", "--json").out()).isBlank();
      }
    }
  }
}
