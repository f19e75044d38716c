package dev.wattswarm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.testkit.PostgresHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The economy across three `node up` processes, one of them on PostgreSQL: a transfer seen alike
 * everywhere, a mission posted on one node and executed on another, settled with the same
 * balances on every node and the supply conserved, refused overspends and bad amounts that change
 * nothing, a cancelled mission refunded, and restarts that keep it all.
 */
@org.junit.jupiter.api.Timeout(600)
class EconomyCliTest {
  @TempDir Path tmp;

  static Cli cli(Path dir, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--state-dir";
    all[1] = dir.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return Cli.run(all);
  }

  static JsonNode json(Path dir, String... args) {
    Cli c = cli(dir, args);
    assertThat(c.exit()).as(String.join(" ", args) + ": " + c.err()).isZero();
    return CanonicalJson.parse(c.out());
  }

  static long balance(Path dir, String account) {
    Cli c = cli(dir, "watt", "balance", account, "--json");
    return c.exit() == 0 ? CanonicalJson.parse(c.out()).path("balance").asLong() : -1;
  }

  static Map<String, String> env(String host) {
    return Map.of("WATTSWARM_P2P_LISTEN_ADDRS", host + ":0");
  }

  @Test
  void transferMissionCancelOverspendAndRestartAcrossThreeNodes() throws Exception {
    Path g = tmp.resolve("g");
    Path b = tmp.resolve("b");
    Path c = tmp.resolve("c");
    PostgresHarness pg = PostgresHarness.get();
    Map<String, String> bEnv = new HashMap<>(env("127.0.0.42"));
    bEnv.put("WATTSWARM_STORAGE_BACKEND", "postgres");
    bEnv.put("WATTSWARM_PG_URL", pg.url());
    if (pg.user() != null) bEnv.put("WATTSWARM_PG_USER", pg.user());
    bEnv.put("WATTSWARM_PG_SCHEMA", PostgresHarness.freshSchema("ws_economy"));
    Files.createDirectories(c);
    Files.writeString(c.resolve("executors.json"),
        "{\"executors\":[{\"name\":\"c-worker\",\"kind\":\"rules\",\"capabilities\":[\"c-only\"],\"rules\":[{\"match\":\".*\",\"answer\":\"done by c\"}]}]}");
    try (NodeProcess ng = NodeProcess.start(g, env("127.0.0.41"), "--mode", "network")) {
      String G = ng.awaitReady().nodeId();
      String contact = cli(g, "node", "export-contact").out().trim();
      assertThat(cli(b, "node", "add-bootstrap-contact", contact).exit()).isZero();
      assertThat(cli(c, "node", "add-bootstrap-contact", contact).exit()).isZero();
      // one join at a time: a busy machine is slow enough to join by itself
      NodeProcess nb = NodeProcess.start(b, bEnv);
      String B = nb.awaitReady().nodeId();
      NodeProcess nc = NodeProcess.start(c, env("127.0.0.43"));
      try {
        String C = nc.awaitReady().nodeId();
        List<Path> all = List.of(g, b, c);
        assertThat(balance(g, G)).isEqualTo(1_000_000);
        await().atMost(Duration.ofSeconds(60)).until(() -> cli(g, "watt", "transfer", B, "1000").exit() == 0);
        for (Path n : all) await().atMost(Duration.ofSeconds(60)).until(() -> balance(n, B) == 1000);

        Files.writeString(tmp.resolve("m1.json"),
            "{\"task_id\":\"m1\",\"task_type\":\"swarm\",\"inputs\":{\"prompt\":\"do it\"},\"capability\":\"c-only\",\"reward\":100}");
        Cli post = cli(b, "mission", "post", tmp.resolve("m1.json").toString());
        assertThat(post.exit()).as(post.err()).isZero();
        for (Path n : all) {
          await().atMost(Duration.ofSeconds(90)).until(() -> cli(n, "mission", "show", "m1", "--json").out().contains("\"settled\""));
        }
        JsonNode m1 = json(g, "mission", "show", "m1", "--json");
        assertThat(m1.path("winner").asText()).isEqualTo(C);
        long fee = m1.path("fee").asLong();
        assertThat(fee).isEqualTo(1); // the default 1% of 100
        for (Path n : all) {
          assertThat(balance(n, B)).as("b on " + n).isEqualTo(900);
          assertThat(balance(n, C)).as("c on " + n).isEqualTo(99);
          assertThat(balance(n, "treasury")).as("treasury on " + n).isEqualTo(1);
          assertThat(json(n, "watt", "supply", "--json").path("conserved").asBoolean()).isTrue();
        }

        // refused, and nothing changes
        Cli over = cli(b, "watt", "transfer", G, "999999999");
        assertThat(over.exit()).isEqualTo(1);
        assertThat(over.err()).contains("insufficient funds").doesNotContain("Exception");
        for (String bad : List.of("-5", "0", "1.5", "9007199254740993", "ten")) {
          Cli r = cli(b, "watt", "transfer", G, bad);
          assertThat(r.exit()).as(bad + ": bad input exits 2").isEqualTo(2);
          assertThat(r.err()).as(bad).contains("amount").doesNotContain("Exception");
        }
        Cli unknown = cli(b, "watt", "transfer", "z6MkfRyXB8MrknMk2nbBw2pRxJxiWEfGHE1oxDoJBhLviBos", "1");
        assertThat(unknown.err()).contains("unknown account");
        Cli noFile = cli(b, "mission", "post", tmp.resolve("absent.json").toString());
        assertThat(noFile.exit()).isEqualTo(2);
        assertThat(noFile.err()).contains("no such file").contains("a mission JSON");
        java.nio.file.Path broken = tmp.resolve("broken.json");
        java.nio.file.Files.writeString(broken, "{\"task_id\": \"m9\", \"reward\": ");
        Cli badJson = cli(b, "mission", "post", broken.toString());
        assertThat(badJson.exit()).isEqualTo(2);
        assertThat(badJson.err()).contains("not valid JSON").contains("reward").doesNotContain("Exception");
        Cli badAccount = cli(b, "watt", "transfer", "not-an-account", "1");
        assertThat(badAccount.err()).contains("not a node id or agent id");
        assertThat(badAccount.exit()).isEqualTo(2);
        assertThat(cli(b, "watt", "balance", "z6MkfRyXB8MrknMk2nbBw2pRxJxiWEfGHE1oxDoJBhLviBos").err()).contains("unknown account");
        assertThat(cli(b, "mission", "show", "nope").err()).contains("unknown mission nope");
        assertThat(balance(b, B)).isEqualTo(900);

        Files.writeString(tmp.resolve("m2.json"),
            "{\"task_id\":\"m2\",\"task_type\":\"swarm\",\"inputs\":{\"prompt\":\"nobody can\"},\"capability\":\"nobody-has-this\",\"reward\":50}");
        assertThat(cli(b, "mission", "post", tmp.resolve("m2.json").toString()).exit()).isZero();
        JsonNode escrowed = json(b, "watt", "balance", "--json");
        assertThat(escrowed.path("balance").asLong()).isEqualTo(850);
        assertThat(escrowed.path("escrowed").asLong()).isEqualTo(50);
        Files.writeString(tmp.resolve("m3.json"),
            "{\"task_id\":\"m3\",\"task_type\":\"swarm\",\"inputs\":{\"prompt\":\"too dear\"},\"reward\":851}");
        assertThat(cli(b, "mission", "post", tmp.resolve("m3.json").toString()).err()).contains("insufficient funds");
        assertThat(cli(g, "mission", "cancel", "m2").err()).contains("posted on node");
        assertThat(cli(b, "mission", "cancel", "m2").exit()).isZero();
        for (Path n : all) {
          await().atMost(Duration.ofSeconds(60)).until(() -> balance(n, B) == 900
              && cli(n, "mission", "show", "m2", "--json").out().contains("\"cancelled\""));
        }
        assertThat(cli(b, "mission", "cancel", "m1").err()).contains("only an open");

        // restart b (PostgreSQL) and c (SQLite): everything is still there
        Map<String, Long> before = Map.of(G, balance(g, G), B, 900L, C, 99L);
        nb.close();
        nc.close();
        nb = NodeProcess.start(b, bEnv);
        nb.awaitReady();
        nc = NodeProcess.start(c, env("127.0.0.43"));
        nc.awaitReady();
        for (Path n : all) {
          for (var e : before.entrySet()) assertThat(balance(n, e.getKey())).as(e.getKey() + " on " + n).isEqualTo(e.getValue());
          assertThat(json(n, "mission", "show", "m1", "--json").path("state").asText()).isEqualTo("settled");
          assertThat(json(n, "watt", "supply", "--json").path("conserved").asBoolean()).isTrue();
        }
        assertThat(json(b, "node", "status", "--json").path("economy").path("balance").asLong()).isEqualTo(900);
      } finally {
        nb.close();
        nc.close();
      }
    }
    // the ledger is a projection: rebuilt from the log it comes out the same bytes
    Cli replay = cli(c, "log", "replay");
    assertThat(replay.exit()).as(replay.err()).isZero();
    assertThat(replay.out()).contains("identical");
  }
}
