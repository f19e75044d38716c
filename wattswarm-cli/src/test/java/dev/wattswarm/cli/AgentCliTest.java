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

/** Agents on two node processes find each other by capability and talk across them. */
@org.junit.jupiter.api.Timeout(600)
class AgentCliTest {
  @TempDir Path tmp;

  @Test
  void aCoordinatorOnOneNodeAsksASpecialistOnAnother() throws Exception {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    try (NodeProcess na = NodeProcess.start(a, Map.of("WATTSWARM_P2P_LISTEN_ADDRS", "127.0.0.11:0"), "--mode", "network",
        "--role", "coordinator", "--capabilities", "coordination")) {
      na.awaitReady();
      Cli contact = Cli.run("--state-dir", a.toString(), "node", "export-contact");
      assertThat(Cli.run("--state-dir", b.toString(), "node", "add-bootstrap-contact", contact.out().trim()).exit()).isZero();
      try (NodeProcess nb = NodeProcess.start(b, Map.of("WATTSWARM_P2P_LISTEN_ADDRS", "127.0.0.12:0"),
          "--agent", "sec:specialist:security,audit:2", "--agent", "docs:specialist:docs")) {
        String bid = nb.awaitReady().nodeId();
        await().atMost(Duration.ofSeconds(30)).until(() ->
            Cli.run("--state-dir", a.toString(), "agents", "list", "--capability", "security", "--json").out().contains(bid));
        JsonNode listed = CanonicalJson.parse(Cli.run("--state-dir", a.toString(), "agents", "list", "--json").out());
        assertThat(listed.path("agents").findValuesAsText("location")).contains("local", "remote");
        // one status vocabulary with the PeerClient: idle, busy, full
        assertThat(listed.path("agents").findValuesAsText("status")).isNotEmpty().isSubsetOf("idle", "busy", "full");
        Cli req = Cli.run("--state-dir", a.toString(), "agent", "request", "--capability", "security",
            "{\"task\":\"review\",\"code\":\"eval(input())\"}", "--timeout", "20", "--json");
        assertThat(req.exit()).as(req.err()).isZero();
        JsonNode r = CanonicalJson.parse(req.out());
        assertThat(r.path("node_id").asText()).isEqualTo(bid);
        assertThat(r.path("location").asText()).isEqualTo("remote");
        assertThat(r.path("reply").path("findings").toString()).contains("eval");
        Cli missing = Cli.run("--state-dir", a.toString(), "agent", "request", "--capability", "no-such-cap", "{\"x\":1}", "--timeout", "5");
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("no-such-cap");
        Cli badJson = Cli.run("--state-dir", a.toString(), "agent", "request", "--capability", "security", "{nope");
        assertThat(badJson.exit()).isNotZero();
        assertThat(badJson.err()).contains("not valid JSON");
        Cli bc = Cli.run("--state-dir", a.toString(), "agent", "broadcast", "--role", "specialist", "{\"hello\":true}");
        assertThat(bc.out()).contains("notified 2");
        // a context goes with the request to the other node and comes back with the reply
        Cli withCtx = Cli.run("--state-dir", a.toString(), "agent", "request", "--capability", "security", "{\"code\":\"x\"}",
            "--context", "{\"mission_id\":\"abc123\"}", "--timeout", "20", "--json");
        assertThat(withCtx.exit()).as(withCtx.err()).isZero();
        assertThat(CanonicalJson.parse(withCtx.out()).path("context").path("mission_id").asText()).isEqualTo("abc123");
        Cli badCtx = Cli.run("--state-dir", a.toString(), "agent", "notify", "--capability", "security", "{}", "--context", "[1]");
        assertThat(badCtx.exit()).isNotZero();
        assertThat(badCtx.err()).contains("context must be a JSON object").doesNotContain("\tat ");
        Cli bigCtx = Cli.run("--state-dir", a.toString(), "agent", "notify", "--capability", "security", "{}", "--context",
            "{\"x\":\"" + "y".repeat(5000) + "\"}");
        assertThat(bigCtx.err()).contains("over the cap");
        assertThat(Cli.run("--state-dir", a.toString(), "agent", "notify", "--capability", "security", "{}", "--context",
            "{\"mission_id\":\"abc123\"}").out()).contains("sent");
        Cli all = Cli.run("--state-dir", a.toString(), "agent", "broadcast", "--all", "{\"status\":\"completed\"}");
        assertThat(all.out()).as(all.err()).contains("notified " + listed.path("agents").size());
        assertThat(Cli.run("--state-dir", a.toString(), "agent", "broadcast", "--all", "--role", "x", "{}").err()).contains("--all sends to every agent");
        Cli dash = Cli.run("--state-dir", a.toString(), "swarm", "dashboard", "--once");
        assertThat(dash.exit()).as(dash.err()).isZero();
        assertThat(dash.out()).contains("specialist").contains("coordinator").contains(bid.substring(0, 19)).contains("connected 1 peer");
      }
    }
  }

  @Test
  void brainDoctorSaysWhatIsWrong() throws Exception {
    Path d = tmp.resolve("d");
    Files.createDirectories(d);
    Files.writeString(d.resolve("executors.json"),
        "{\"executors\":[{\"name\":\"llm\",\"kind\":\"ollama\",\"base_url\":\"http://127.0.0.1:9\",\"model\":\"llama3\"}]}");
    Cli doc = Cli.run("--state-dir", d.toString(), "brain", "doctor");
    assertThat(doc.exit()).isNotZero();
    assertThat(doc.out()).contains("llm").contains("NOT OK").contains("127.0.0.1:9");
  }

  /** A coordinator killed mid-workflow resumes from its log and does not redo finished steps. */
  @Test
  void aCoordinatorKilledMidWorkflowResumesWithoutRedoingSteps() throws Exception {
    Path a = tmp.resolve("wa");
    Path b = tmp.resolve("wb");
    Files.createDirectories(b);
    Files.writeString(b.resolve("agents.json"), "{\"agents\":["
        + "{\"name\":\"f1\",\"role\":\"specialist\",\"capabilities\":[\"fast1\"]},"
        + "{\"name\":\"f2\",\"role\":\"specialist\",\"capabilities\":[\"fast2\"]},"
        + "{\"name\":\"slow\",\"role\":\"specialist\",\"capabilities\":[\"slow\"],\"delay_ms\":4000}]}");
    Map<String, String> envA = Map.of("WATTSWARM_P2P_LISTEN_ADDRS", "127.0.0.13:0");
    NodeProcess na = NodeProcess.start(a, envA, "--mode", "network", "--role", "coordinator");
    na.awaitReady();
    Cli contact = Cli.run("--state-dir", a.toString(), "node", "export-contact");
    assertThat(Cli.run("--state-dir", b.toString(), "node", "add-bootstrap-contact", contact.out().trim()).exit()).isZero();
    try (NodeProcess nb = NodeProcess.start(b, Map.of("WATTSWARM_P2P_LISTEN_ADDRS", "127.0.0.14:0"))) {
      nb.awaitReady();
      await().atMost(Duration.ofSeconds(30)).until(() ->
          Cli.run("--state-dir", a.toString(), "agents", "list", "--capability", "slow", "--json").out().contains("slow"));
      Cli run = Cli.run("--state-dir", a.toString(), "workflow", "run", "--id", "wf-k", "--capabilities", "fast1,fast2,slow",
          "--wait", "1", "{\"code\":\"x = eval(y)\"}");
      assertThat(run.err()).contains("did not finish");
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        JsonNode w = CanonicalJson.parse(Cli.run("--state-dir", a.toString(), "workflow", "show", "wf-k", "--json").out());
        return w.path("steps").path("fast1").path("state").asText().equals("done")
            && w.path("steps").path("fast2").path("state").asText().equals("done");
      });
      na.process.destroyForcibly();
      na.process.waitFor();
      try (NodeProcess again = NodeProcess.start(a, envA, "--role", "coordinator")) {
        again.awaitReady();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
          Cli show = Cli.run("--state-dir", a.toString(), "workflow", "show", "wf-k", "--json");
          return show.exit() == 0 && CanonicalJson.parse(show.out()).path("state").asText().equals("finished");
        });
        String events = Cli.run("--state-dir", a.toString(), "events", "tail", "-n", "1000", "--type", "workflow.", "--json").out();
        long fast1 = events.lines().filter(l -> l.contains("workflow.step_done") && l.replace(" ", "").contains("\"step_id\":\"fast1\"")).count();
        long slow = events.lines().filter(l -> l.contains("workflow.step_done") && l.replace(" ", "").contains("\"step_id\":\"slow\"")).count();
        assertThat(fast1).as("fast1 done once, not redone after the restart").isEqualTo(1);
        assertThat(slow).isEqualTo(1);
        assertThat(events.lines().filter(l -> l.contains("workflow.finished")).count()).isEqualTo(1);
      }
    } finally {
      na.close();
    }
  }
}
