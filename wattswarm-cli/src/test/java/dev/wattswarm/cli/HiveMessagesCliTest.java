package dev.wattswarm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hive post} and {@code hive messages} against a running node: a member posts and reads back
 * in order; refusals are one line, exit 2 for bad input (empty or oversized text, bad hive name,
 * bad limit), 1 for what the state forbids (unknown hive, not a member).
 */
@org.junit.jupiter.api.Timeout(300)
class HiveMessagesCliTest {
  @TempDir Path tmp;

  static void oneLine(Cli c, int exit, String... says) {
    assertThat(c.exit()).as(c.err()).isEqualTo(exit);
    assertThat(c.err().strip()).contains(says).doesNotContain("Exception").doesNotContain("\n");
  }

  @Test
  void aMemberPostsAndReadsAndTheRefusalsSayWhy() throws Exception {
    Path g = tmp.resolve("g");
    try (NodeProcess n = NodeProcess.start(g, EconomyCliTest.env("127.0.0.57"), "--mode", "network")) {
      String me = n.awaitReady().nodeId();
      oneLine(HiveCliTest.cli(g, "hive", "post", "lab", "hello"), 1, "unknown hive lab");
      assertThat(HiveCliTest.cli(g, "hive", "create", "lab").exit()).isZero();
      assertThat(HiveCliTest.cli(g, "hive", "messages", "lab").out()).contains("no messages in hive lab yet");

      Cli first = HiveCliTest.cli(g, "hive", "post", "lab", "first", "--json");
      assertThat(first.exit()).as(first.err()).isZero();
      assertThat(HiveCliTest.cli(g, "hive", "post", "lab", "second: ünïcode").exit()).isZero();
      JsonNode all = HiveCliTest.json(g, "hive", "messages", "lab", "--json");
      assertThat(all.path("messages")).hasSize(2);
      assertThat(all.path("messages").get(0).path("text").asText()).isEqualTo("first");
      assertThat(all.path("messages").get(1).path("text").asText()).isEqualTo("second: ünïcode");
      assertThat(all.path("messages").get(0).path("from").asText()).isEqualTo(me);
      JsonNode last = HiveCliTest.json(g, "hive", "messages", "lab", "--limit", "1", "--json");
      assertThat(last.path("messages")).hasSize(1);
      assertThat(last.path("messages").get(0).path("text").asText()).isEqualTo("second: ünïcode");
      assertThat(HiveCliTest.cli(g, "hive", "messages", "lab").out()).contains(me).contains("first").contains("second");

      oneLine(HiveCliTest.cli(g, "hive", "post", "lab", ""), 2, "the message text is empty");
      oneLine(HiveCliTest.cli(g, "hive", "post", "lab", "x".repeat(5000)), 2, "5000 bytes", "at most 4096");
      oneLine(HiveCliTest.cli(g, "hive", "post", "bad id!", "x"), 2, "bad hive name");
      oneLine(HiveCliTest.cli(g, "hive", "messages", "lab", "--limit", "0"), 2, "--limit 0 is out of range");
      oneLine(HiveCliTest.cli(g, "hive", "messages", "nope"), 1, "unknown hive nope");

      assertThat(HiveCliTest.cli(g, "hive", "leave", "lab").exit()).isZero();
      oneLine(HiveCliTest.cli(g, "hive", "post", "lab", "still here?"), 1, "not a member of hive lab", "hive join lab");
      // what was said while a member stays readable
      assertThat(HiveCliTest.json(g, "hive", "messages", "lab", "--json").path("messages")).hasSize(2);
    }
  }
}
