package dev.wattswarm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a newcomer meets when something expected goes wrong: one line on stderr that says what
 * happened and what to do, no stack trace, the documented exit code.
 */
@org.junit.jupiter.api.Timeout(300)
class ExpectedFailuresTest {
  @TempDir Path tmp;

  static void oneLineNoTrace(Cli r) {
    assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
    assertThat(r.err()).startsWith("error: ").doesNotContain("\tat ").doesNotContain("Exception in thread")
        .doesNotContain("REDACTED").doesNotContain("Exception:");
  }

  @Test
  void aTakenP2pPortIsOneLineNamingTheKnobs() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("0.0.0.0", 0));
      Cli r = Cli.run("--state-dir", tmp.resolve("p").toString(), "node", "up", "--mode", "network",
          "--control-port", "0", "--p2p-port", String.valueOf(taken.getLocalPort()));
      assertThat(r.exit()).isEqualTo(1);
      oneLineNoTrace(r);
      assertThat(r.err()).contains("P2P port").contains(String.valueOf(taken.getLocalPort())).contains("--p2p-port");
    }
  }

  @Test
  void aTakenControlPortIsOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      Cli r = Cli.run("--state-dir", tmp.resolve("c").toString(), "node", "up", "--control-port",
          String.valueOf(taken.getLocalPort()));
      assertThat(r.exit()).isEqualTo(1);
      oneLineNoTrace(r);
      assertThat(r.err()).contains("control port").contains("--control-port");
    }
  }

  @Test
  void anUnreachableContactIsOneLineSayingHowToReplaceIt() throws Exception {
    Path d = tmp.resolve("d");
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    String contact = "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK@127.0.0.1:" + dead;
    assertThat(Cli.run("--state-dir", d.toString(), "node", "add-bootstrap-contact", contact).exit()).isZero();
    Cli r = Cli.run("--state-dir", d.toString(), "node", "up", "--control-port", "0", "--p2p-port", "0");
    assertThat(r.exit()).isEqualTo(1);
    oneLineNoTrace(r);
    assertThat(r.err()).contains("could not join").contains("remove-bootstrap-contact");

    Cli rm = Cli.run("--state-dir", d.toString(), "node", "remove-bootstrap-contact", contact);
    assertThat(rm.exit()).as(rm.err()).isZero();
    assertThat(Files.readString(d.resolve("startup_config.json"))).doesNotContain(contact);
    Cli again = Cli.run("--state-dir", d.toString(), "node", "remove-bootstrap-contact", contact);
    assertThat(again.exit()).isEqualTo(1);
    oneLineNoTrace(again);
  }

  @Test
  void aTruncatedTaskFileSaysWhereWithoutParserInternalsAndExits2() throws Exception {
    Path bad = tmp.resolve("bad.json");
    Files.writeString(bad, "{\"task_id\": \"x\",\n  \"inputs\": {\"prompt\": \"p\"");
    Cli r = Cli.run("--state-dir", tmp.resolve("none").toString(), "task", "submit", bad.toString());
    assertThat(r.exit()).isEqualTo(2);
    oneLineNoTrace(r);
    assertThat(r.err()).contains("line 2").doesNotContain("column: 1]").doesNotContain("Source:")
        .doesNotContain("StreamReadFeature");
    Cli missing = Cli.run("task", "submit", tmp.resolve("nope.json").toString());
    assertThat(missing.exit()).isEqualTo(2);
    oneLineNoTrace(missing);
  }

  @Test
  void anUnknownTaskStateIsBadUsageListingTheStates() {
    Cli r = Cli.run("--state-dir", tmp.resolve("none").toString(), "task", "list", "--state", "finalised");
    assertThat(r.exit()).isEqualTo(2);
    oneLineNoTrace(r);
    assertThat(r.err()).contains("finalised").contains("finalized").doesNotContain("invalid task");
  }

  @Test
  void anUnreachablePostgresNeverEchoesThePassword() throws Exception {
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    dev.wattswarm.store.StoreConfig pg = dev.wattswarm.store.StoreConfig.postgres(
        "postgres://ws:s3cretpw@127.0.0.1:" + dead + "/nosuchdb", null, null, null);
    assertThat(pg.describe()).doesNotContain("s3cretpw");
    assertThat(pg.toString()).doesNotContain("s3cretpw");
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> dev.wattswarm.store.EventStores.open(pg, java.util.List.of()));
    assertThat(ErrorReport.message(t)).doesNotContain("s3cretpw").contains("unreachable");
  }
}
