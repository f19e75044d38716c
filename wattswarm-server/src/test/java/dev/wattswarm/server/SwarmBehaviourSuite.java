package dev.wattswarm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.agents.AgentRecord;
import dev.wattswarm.agents.AgentRuntime;
import dev.wattswarm.agents.Strategy;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole nodes (log, tasks, agents, swarm view) doing the same things over every substrate: a task
 * created on one node executed on another and finalized everywhere, a quorum with one liar
 * outvoted, an agent request answered by the agent's own node, a request to an agent whose node is
 * gone re-routed at once, an impostor of an agent refused, a
 * node that was away catching up, a stopped node marked offline and a stopped leader replaced.
 * What only one substrate can suffer
 * (a NATS restart, a server of a cluster lost) stays in that substrate's own tests.
 */
@org.junit.jupiter.api.Timeout(300)
abstract class SwarmBehaviourSuite {
  @TempDir Path tmp;
  final List<NodeHost> hosts = new ArrayList<>();

  /**
   * Starts node {@code name} in {@code tmp/name} (a second start of a name restarts it from its
   * state) and lets it join the swarm of the first node started.
   */
  abstract NodeHost join(Path dir, String name, String... agents) throws Exception;

  /** Releases what the substrate itself holds (a nats-server); called after every node stopped. */
  void closeSubstrate() {}

  @AfterEach
  void stop() {
    for (NodeHost h : hosts) {
      try {
        h.close();
      } catch (RuntimeException ignored) {
        // closed by the test already
      }
    }
    closeSubstrate();
  }

  NodeHost start(String name, String... agents) throws Exception {
    Path dir = tmp.resolve(name);
    Files.createDirectories(dir);
    NodeHost h = join(dir, name, agents);
    hosts.add(h);
    return h;
  }

  /** Gives node {@code name} one rules executor for {@code capability}, answering {@code answer} (wrongly if a liar). */
  void executor(String name, String capability, String answer, boolean liar) throws Exception {
    Path dir = tmp.resolve(name);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("executors.json"), "{\"executors\":[{\"name\":\"" + name + "-worker\",\"kind\":\"rules\","
        + "\"capabilities\":[\"" + capability + "\"],\"faulty\":" + liar + ",\"rules\":[{\"match\":\".*\",\"answer\":\"" + answer + "\"}]}]}");
  }

  void stopNode(NodeHost h) {
    h.close();
    hosts.remove(h);
  }

  static void submit(NodeHost on, ObjectNode task) {
    on.tasks().service().submit(task);
  }

  static ObjectNode task(String id, String capability) {
    ObjectNode t = CanonicalJson.object().put("task_id", id).put("task_type", "swarm");
    t.putObject("inputs").put("prompt", "task " + id);
    if (capability != null) t.put("capability", capability);
    return t;
  }

  static JsonNode doc(NodeHost on, String id) {
    return on.tasks().service().get(id).orElse(CanonicalJson.object());
  }

  static boolean finalized(NodeHost on, String id) {
    return doc(on, id).path("state").asText().equals("finalized") && !doc(on, id).path("result_hash").asText().isEmpty();
  }

  static void allOnline(NodeHost viewer, NodeHost... others) {
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      for (NodeHost o : others) if (!NatsSwarmTest.statusOf(viewer, o).equals("online")) return false;
      return true;
    });
  }

  @Test
  void aTaskCreatedOnOneNodeIsExecutedOnAnotherAndFinalizedEverywhere() throws Exception {
    executor("c", "c-only", "done by c", false);
    NodeHost a = start("a");
    NodeHost b = start("b");
    NodeHost c = start("c");
    allOnline(a, b, c);
    submit(a, task("t-1", "c-only"));
    await().atMost(Duration.ofSeconds(60)).until(() -> finalized(a, "t-1") && finalized(b, "t-1") && finalized(c, "t-1"));
    assertThat(doc(a, "t-1").path("executor").asText()).isEqualTo(c.node().nodeId() + "/c-worker");
    assertThat(doc(a, "t-1").path("output").path("answer").asText()).isEqualTo("done by c");
    // every node holds the same document, built from the same set of events
    await().atMost(Duration.ofSeconds(30)).until(() -> doc(a, "t-1").equals(doc(b, "t-1")) && doc(a, "t-1").equals(doc(c, "t-1")));
  }

  @Test
  void aQuorumWithOneLiarFinalizesTheHonestAnswer() throws Exception {
    executor("b", "sum", "6", false);
    executor("c", "sum", "6", false);
    executor("d", "sum", "6", true);
    NodeHost a = start("a");
    NodeHost b = start("b");
    NodeHost c = start("c");
    NodeHost d = start("d");
    allOnline(a, b, c, d);
    ObjectNode t = task("q-1", "sum").put("profile", "quorum").put("vote_window_ms", 3_000).put("reveal_window_ms", 3_000);
    t.putObject("quorum").put("executors", 3).put("threshold", 2);
    submit(a, t);
    await().atMost(Duration.ofSeconds(90)).until(() -> finalized(a, "q-1") && finalized(b, "q-1") && finalized(c, "q-1")
        && finalized(d, "q-1"));
    JsonNode q = doc(a, "q-1");
    assertThat(q.path("output").path("answer").asText()).as("%s", q).isEqualTo("6");
    assertThat(q.path("candidates").size()).isEqualTo(3);
    for (NodeHost h : List.of(b, c, d)) assertThat(doc(h, "q-1").path("result_hash")).isEqualTo(q.path("result_hash"));
  }

  @Test
  void anAgentRequestIsAnsweredByTheAgentsOwnNode() throws Exception {
    NodeHost a = start("a", "lead:coordinator:coordination");
    NodeHost b = start("b", "sec:specialist:security");
    NodeHost c = start("c", "ops:specialist:operations");
    await().atMost(Duration.ofSeconds(60)).until(() -> a.agents().registry().matching("security").size() == 1
        && a.agents().registry().matching("operations").size() == 1 && c.agents().registry().matching("security").size() == 1);
    var reply = a.agents().operatorRequest("security", CanonicalJson.parse("{\"code\":\"eval(x)\"}"), Strategy.FIRST, 15_000);
    assertThat(reply.nodeId()).isEqualTo(b.node().nodeId().toString());
    assertThat(reply.location()).isEqualTo("remote");
    var back = c.agents().operatorRequest("security", CanonicalJson.parse("{\"code\":\"rm -rf\"}"), Strategy.FIRST, 15_000);
    assertThat(back.nodeId()).isEqualTo(b.node().nodeId().toString());
    var ops = b.agents().operatorRequest("operations", CanonicalJson.parse("{\"deploy\":1}"), Strategy.FIRST, 15_000);
    assertThat(ops.nodeId()).isEqualTo(c.node().nodeId().toString());
  }

  @Test
  void aRequestToAnAgentWhoseNodeIsGoneIsReroutedAtOnceAndThatNodesAgentsAreForgotten() throws Exception {
    NodeHost a = start("a", "lead:coordinator:coordination");
    NodeHost b = start("b", "sec-b:specialist:security");
    NodeHost c = start("c", "sec-c:specialist:security");
    AgentRuntime agents = a.agents();
    await().atMost(Duration.ofSeconds(60)).until(() -> agents.registry().matching("security").size() == 2);
    // FIRST picks the smallest agent id: stop the node that hosts it, before the registry forgets it
    AgentRecord first = agents.registry().matching("security").stream().min(Comparator.comparing(AgentRecord::agentId)).orElseThrow();
    NodeHost victim = first.nodeId().equals(b.node().nodeId().toString()) ? b : c;
    String gone = victim.node().nodeId().toString();
    stopNode(victim);
    // a timeout is final (a live but slow agent may still be working), so with two minutes to wait
    // only a request that fails fast as unreachable is moved to the other agent
    var reply = agents.operatorRequest("security", CanonicalJson.parse("{\"code\":\"eval(x)\"}"), Strategy.FIRST, 120_000);
    assertThat(reply.nodeId()).isNotEqualTo(gone);
    assertThat(agents.reroutes()).isEqualTo(1);
    assertThat(agents.counters()).containsEntry("unreachable_nodes", 1L);
    // the gone node's agents are forgotten at once (agents list reads this registry), so the next
    // request goes straight to the other
    assertThat(agents.registry().all()).extracting(AgentRecord::nodeId).doesNotContain(gone);
    var again = agents.operatorRequest("security", CanonicalJson.parse("{\"code\":\"eval(y)\"}"), Strategy.FIRST, 120_000);
    assertThat(again.nodeId()).isEqualTo(reply.nodeId());
    assertThat(agents.reroutes()).isEqualTo(1);
  }

  @Test
  void anotherNodeCannotPassItselfOffAsOneOfOurAgents() throws Exception {
    NodeHost a = start("a", "lead:coordinator:coordination");
    String leadId = a.agents().localAgents().get(0).id();
    // d holds a copy of a's agent key: it can sign as the agent, not as a's node
    Files.createDirectories(tmp.resolve("d/agents"));
    Files.copy(tmp.resolve("a/agents/lead.key"), tmp.resolve("d/agents/lead.key"));
    NodeHost d = start("d", "lead:coordinator:coordination");
    await().atMost(Duration.ofSeconds(60)).until(() -> a.agents().impostors() > 0);
    assertThat(a.agents().registry().all()).filteredOn(r -> r.agentId().equals(leadId)).hasSize(1)
        .allSatisfy(r -> assertThat(r.nodeId()).isEqualTo(a.node().nodeId().toString()));
    assertThat(d.node().nodeId()).isNotEqualTo(a.node().nodeId());
  }

  @Test
  void aNodeThatWasAwayCatchesUpOnWhatItMissed() throws Exception {
    NodeHost a = start("a");
    NodeHost b = start("b");
    allOnline(a, b);
    submit(a, task("before", null));
    await().atMost(Duration.ofSeconds(60)).until(() -> b.tasks().service().get("before").isPresent());
    stopNode(b);
    for (int i = 0; i < 10; i++) submit(a, task("away-" + i, null));
    NodeHost b2 = start("b");
    await().atMost(Duration.ofSeconds(90)).until(() -> {
      for (int i = 0; i < 10; i++) if (b2.tasks().service().get("away-" + i).isEmpty()) return false;
      return true;
    });
    allOnline(a, b2);
    submit(b2, task("from-b", null));
    await().atMost(Duration.ofSeconds(60)).until(() -> a.tasks().service().get("from-b").isPresent());
  }

  @Test
  void aStoppedNodeIsMarkedOfflineAndAStoppedLeaderIsReplaced() throws Exception {
    NodeHost a = start("a", "lead:coordinator:coordination");
    NodeHost b = start("b");
    NodeHost c = start("c");
    allOnline(a, b, c);
    await().atMost(Duration.ofSeconds(60)).until(() -> !NatsSwarmTest.leaderOf(a).isEmpty()
        && NatsSwarmTest.leaderOf(a).equals(NatsSwarmTest.leaderOf(b)) && NatsSwarmTest.leaderOf(a).equals(NatsSwarmTest.leaderOf(c)));
    String first = NatsSwarmTest.leaderOf(a);
    // exactly one node may act as leader
    await().atMost(Duration.ofSeconds(60)).until(() -> hosts.stream().filter(h -> h.swarm().leader().heldTerm() > 0).count() == 1);
    NodeHost leader = hosts.stream().filter(h -> h.node().nodeId().toString().equals(first)).findFirst().orElseThrow();
    NodeHost other = hosts.stream().filter(h -> h != leader).findFirst().orElseThrow();
    long term = other.swarm().leader().current().term();
    stopNode(leader);
    await().atMost(Duration.ofSeconds(60)).until(() -> NatsSwarmTest.statusOf(other, leader).equals("offline"));
    await().atMost(Duration.ofSeconds(60)).until(() -> !NatsSwarmTest.leaderOf(other).isEmpty()
        && !NatsSwarmTest.leaderOf(other).equals(first));
    assertThat(other.swarm().leader().current().term()).isGreaterThan(term);
  }
}
