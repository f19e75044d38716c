package dev.wattswarm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hives across three `node up` processes: a hive of two of them, a mission posted to it executed
 * by the member (paid to the agent its executor works for), settled with the same balances on all
 * three; the third node could do the work but, not being a member, never claims it. The CLI's
 * refusals are one line with the documented exit codes.
 */
@org.junit.jupiter.api.Timeout(600)
class HiveCliTest {
  @TempDir Path tmp;

  static Cli cli(Path dir, String... args) {
    return EconomyCliTest.cli(dir, args);
  }

  static JsonNode json(Path dir, String... args) {
    return EconomyCliTest.json(dir, args);
  }

  static final String LAB = "{\"executors\":[{\"name\":\"lab\",\"kind\":\"rules\",\"capabilities\":[\"lab-work\"],"
      + "\"rules\":[{\"match\":\".*\",\"answer\":\"measured\"}]%s}]}";

  @Test
  void aHiveOfTwoOfThreeNodesTakesItsMissionAndAllThreeAgreeOnThePay() throws Exception {
    Path g = tmp.resolve("g");
    Path b = tmp.resolve("b");
    Path c = tmp.resolve("c");
    Files.createDirectories(b);
    Files.createDirectories(c);
    Files.writeString(b.resolve("executors.json"), String.format(LAB, ",\"agent\":\"worker\""));
    Files.writeString(c.resolve("executors.json"), String.format(LAB, ""));
    try (NodeProcess ng = NodeProcess.start(g, EconomyCliTest.env("127.0.0.51"), "--mode", "network")) {
      String G = ng.awaitReady().nodeId();
      String contact = cli(g, "node", "export-contact").out().trim();
      assertThat(cli(b, "node", "add-bootstrap-contact", contact).exit()).isZero();
      assertThat(cli(c, "node", "add-bootstrap-contact", contact).exit()).isZero();
      NodeProcess nb = NodeProcess.start(b, EconomyCliTest.env("127.0.0.52"), "--agent", "worker:specialist:lab-work");
      String B = nb.awaitReady().nodeId();
      NodeProcess nc = NodeProcess.start(c, EconomyCliTest.env("127.0.0.53"));
      try {
        nc.awaitReady();
        List<Path> all = List.of(g, b, c);
        String worker = null;
        for (JsonNode a : json(b, "agents", "list", "--json").path("agents")) {
          if (a.path("name").asText().equals("worker")) worker = a.path("agent_id").asText(a.path("id").asText());
        }
        assertThat(worker).as("b's agent id").isNotBlank();

        // refusals: one line, exit 2 for bad input, 1 for what the state forbids
        Cli badName = cli(g, "hive", "create", "bad id!");
        assertThat(badName.exit()).isEqualTo(2);
        assertThat(badName.err().strip()).contains("bad hive name").doesNotContain("Exception").doesNotContain("\n");
        Cli unknown = cli(b, "hive", "join", "lab");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err().strip()).contains("unknown hive lab").contains("hive create lab").doesNotContain("\n");
        assertThat(cli(g, "hive", "members", "lab").err()).contains("unknown hive lab");

        Cli created = cli(g, "hive", "create", "lab", "--topic", "measurements", "--json");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(CanonicalJson.parse(created.out()).path("topic").asText()).isEqualTo("measurements");
        assertThat(cli(g, "hive", "create", "lab").err()).contains("exists");
        await().atMost(Duration.ofSeconds(60)).until(() -> cli(b, "hive", "join", "lab").exit() == 0);
        for (Path n : all) {
          await().atMost(Duration.ofSeconds(60)).until(() -> json(n, "hive", "members", "lab", "--json").path("members").size() == 2);
          JsonNode row = json(n, "hive", "list", "--json").path("hives").get(0);
          assertThat(row.path("hive").asText()).isEqualTo("lab");
          assertThat(row.path("member_count").asInt()).isEqualTo(2);
          assertThat(row.path("member").asBoolean()).isEqualTo(n != c);
        }
        assertThat(cli(c, "hive", "leave", "lab").err()).contains("not a member of hive lab");
        assertThat(cli(b, "hive", "members", "lab").out()).contains(G).contains(B);

        Files.writeString(tmp.resolve("m.json"), "{\"task_id\":\"hm\",\"inputs\":{\"prompt\":\"measure it\"},\"capability\":\"lab-work\","
            + "\"hive\":\"lab\",\"reward\":100}");
        Cli outsider = cli(c, "mission", "post", tmp.resolve("m.json").toString());
        assertThat(outsider.exit()).isEqualTo(1);
        assertThat(outsider.err()).contains("not a member of hive lab");
        Cli post = cli(g, "mission", "post", tmp.resolve("m.json").toString());
        assertThat(post.exit()).as(post.err()).isZero();
        for (Path n : all) {
          await().atMost(Duration.ofSeconds(90)).until(() -> cli(n, "mission", "show", "hm", "--json").out().contains("\"settled\""));
        }
        long gBalance = EconomyCliTest.balance(g, G);
        for (Path n : all) {
          JsonNode m = json(n, "mission", "show", "hm", "--json");
          assertThat(m.path("winner").asText()).as("winner on " + n).isEqualTo(worker);
          assertThat(m.path("hive").asText()).isEqualTo("lab");
          assertThat(EconomyCliTest.balance(n, worker)).as("worker on " + n).isEqualTo(99);
          assertThat(EconomyCliTest.balance(n, "treasury")).isEqualTo(1);
          assertThat(EconomyCliTest.balance(n, G)).isEqualTo(gBalance).isEqualTo(1_000_000 - 100);
          assertThat(json(n, "watt", "supply", "--json").path("conserved").asBoolean()).isTrue();
          // c has the capability, yet neither bid nor claimed: the mission was never offered to it
          JsonNode t = json(n, "task", "show", "hm", "--json");
          assertThat(t.path("bids").toString() + t.path("claims") + t.path("candidates")).doesNotContain(nc.awaitReady().nodeId());
        }
        assertThat(json(b, "node", "status", "--json").path("economy").path("hives").asInt()).isEqualTo(1);
        assertThat(json(c, "node", "status", "--json").path("economy").path("hives").asInt()).isZero();
      } finally {
        nb.close();
        nc.close();
      }
    }
    // hive membership is a projection: rebuilt from the log it comes out the same bytes
    Cli replay = cli(b, "log", "replay");
    assertThat(replay.exit()).as(replay.err()).isZero();
    assertThat(replay.out()).contains("identical");
  }
}
