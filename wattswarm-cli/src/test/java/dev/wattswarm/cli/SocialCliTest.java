package dev.wattswarm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `group`, `relationship` and `dm` against two real `node up` processes, as a user runs them. */
@org.junit.jupiter.api.Timeout(300)
class SocialCliTest {
  @TempDir Path tmp;

  static Cli ws(Path dir, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--state-dir";
    all[1] = dir.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return Cli.run(all);
  }

  @Test
  void twoNodesRelateAndTalkFromTheCommandLine() throws Exception {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    try (NodeProcess na = NodeProcess.start(a, Map.of("WATTSWARM_P2P_LISTEN_ADDRS", "127.0.0.91:0"), "--mode", "network")) {
      String aid = na.awaitReady().nodeId();
      assertThat(ws(b, "node", "add-bootstrap-contact", ws(a, "node", "export-contact").out().trim()).exit()).isZero();
      try (NodeProcess nb = NodeProcess.start(b, Map.of("WATTSWARM_P2P_LISTEN_ADDRS", "127.0.0.92:0",
          "WATTSWARM_P2P_GROUP_IDS", "ops"))) {
        String bid = nb.awaitReady().nodeId();

        Cli bad = ws(a, "dm", "send", "z6Mknot-an-id", "hi");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err().strip()).startsWith("error: ").contains("is not a node id").doesNotContain("\n");
        Cli early = ws(a, "dm", "send", bid, "hi");
        assertThat(early.exit()).isEqualTo(1);
        assertThat(early.err()).contains("no accepted relationship");
        assertThat(ws(a, "dm", "list", bid, "--limit", "0").exit()).isEqualTo(2);

        assertThat(ws(a, "relationship", "request", bid, "--note", "from the lab").exit()).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> ws(b, "relationship", "list", "--json").out().contains("pending_in"));
        assertThat(ws(b, "relationship", "list", "--json").out()).contains(aid).contains("from the lab").contains("updated_at_ms");
        assertThat(ws(b, "relationship", "accept", bid).exit()).isEqualTo(2); // bad input (exit 2): b has no request from itself
        assertThat(ws(b, "relationship", "accept", aid).exit()).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> ws(a, "relationship", "list").out().contains("accepted"));
        await().atMost(Duration.ofSeconds(30)).until(() -> ws(a, "dm", "send", bid, "over the wire").exit() == 0);
        await().atMost(Duration.ofSeconds(60)).until(() -> ws(b, "dm", "list", aid, "--json").out().contains("over the wire"));
        assertThat(ws(b, "dm", "list", aid).out()).contains("over the wire");
        assertThat(ws(a, "events", "tail", "--json").out()).doesNotContain("over the wire");

        assertThat(ws(b, "group", "list").out()).contains("ops");
        assertThat(ws(b, "group", "join", "team-x").out()).contains("joined group:team-x");
        assertThat(ws(b, "group", "join", "team-x").out()).contains("already in");
        Cli reserved = ws(b, "group", "join", "dm-abc");
        assertThat(reserved.exit()).isEqualTo(2); // a reserved id is bad input
        assertThat(reserved.err()).contains("reserved");
        assertThat(ws(b, "group", "leave", "team-x").out()).contains("left group:team-x");
      }
    }
  }
}
