package dev.wattswarm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.agents.AgentSpec;
import dev.wattswarm.economy.EconomyException;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.task.TaskEventTypes;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.network.Contact;
import dev.wattswarm.node.network.StartupConfig;
import dev.wattswarm.node.state.StateDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A hive over real TLS between three nodes: membership seen alike everywhere, a mission posted to
 * the hive taken by its member and paid to the agent its executor works for, the same balances on
 * all three; and a non-member that lies (bids, proposes, finalizes in its own name) refused by the
 * state machine on every node, not merely left unoffered.
 */
@org.junit.jupiter.api.Timeout(300)
class HiveSwarmTest extends SocialNodes {
  static final String LAB_EXECUTOR = "{\"executors\":[{\"name\":\"lab\",\"kind\":\"rules\",\"capabilities\":[\"lab-work\"],"
      + "\"rules\":[{\"match\":\".*\",\"answer\":\"measured\"}]%s}]}";

  NodeHost startWith(String name, String ip, String executors, List<AgentSpec> agents, Contact contact) throws Exception {
    Path dir = tmp.resolve(name);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("executors.json"), executors);
    StateDir sd = new StateDir(dir);
    if (contact != null) new StartupConfig(java.util.Optional.empty(), List.of()).withContact(contact).write(sd);
    NodeConfig cfg = NodeConfig.fromEnv(dir, Map.of("WATTSWARM_NODE_MODE", contact == null ? "network" : "wan",
        "WATTSWARM_P2P_LISTEN_ADDRS", ip + ":0")).withControlPort(0);
    NodeHost h = NodeHost.start(cfg, sd, Clock.systemUTC(), new SecureRandom(), NodeHost.Options.defaults().withAgents(agents));
    hosts.add(h);
    return h;
  }

  static JsonNode task(NodeHost h, String id) {
    return h.tasks().service().get(id).orElse(CanonicalJson.object());
  }

  static long balance(NodeHost h, String account) {
    try {
      return h.economy().wallet().balance(account).path("balance").asLong();
    } catch (EconomyException unknownYet) {
      return -1;
    }
  }

  @Test
  void aHiveMissionIsTakenByAMemberOnlyAndPaidToItsAgent() throws Exception {
    NodeHost a = startWith("a", "127.0.0.91", String.format(LAB_EXECUTOR.replace("lab-work", "a-only"), ""), List.of(), null);
    // b could do the work but is not in the hive; c is, and its executor works for its agent "worker"
    NodeHost b = startWith("b", "127.0.0.92", String.format(LAB_EXECUTOR, ""), List.of(), contactOf(a));
    NodeHost c = startWith("c", "127.0.0.93", String.format(LAB_EXECUTOR, ",\"agent\":\"worker\""),
        List.of(AgentSpec.parse("worker:specialist:lab-work")), contactOf(a));
    List<NodeHost> all = List.of(a, b, c);
    String A = id(a).toString();
    String C = id(c).toString();
    String worker = c.agents().localAgents().get(0).id();

    a.economy().hives().create("lab", "measurements");
    await().atMost(Duration.ofSeconds(60)).until(() -> all.stream().allMatch(h -> h.economy().hives().list().path("hives").size() == 1));
    c.economy().hives().join("lab");
    for (NodeHost h : all) {
      await().atMost(Duration.ofSeconds(60)).until(() -> h.economy().hives().memberIds("lab").equals(sorted(A, C)));
    }
    assertThat(c.network().scopes()).contains(Scope.parse("group:hive-lab"));
    assertThat(b.network().scopes()).doesNotContain(Scope.parse("group:hive-lab"));
    // b may not post to a hive it is not in, and nobody posts to an unknown one
    assertThatThrownBy(() -> b.economy().missions().post(mission("m-b", "lab-work", "lab", 10))).hasMessageContaining("not a member of hive lab");
    assertThatThrownBy(() -> a.economy().missions().post(mission("m-x", "lab-work", "nope", 10))).hasMessageContaining("unknown hive nope");

    a.economy().missions().post(mission("m-hive", "lab-work", "lab", 100));
    for (NodeHost h : all) {
      await().atMost(Duration.ofSeconds(90)).until(() -> h.economy().missions().show("m-hive").path("state").asText().equals("settled"));
    }
    for (NodeHost h : all) {
      JsonNode m = h.economy().missions().show("m-hive");
      assertThat(m.path("winner").asText()).as("winner on %s", h.node().nodeId()).isEqualTo(worker);
      assertThat(m.path("hive").asText()).isEqualTo("lab");
      assertThat(task(h, "m-hive").path("executor").asText()).isEqualTo(C + "/lab");
      // b's executor had the capability, yet never bid: a hive's mission is offered to members only
      assertThat(task(h, "m-hive").path("bids").toString() + task(h, "m-hive").path("claims")).doesNotContain(id(b).toString());
      assertThat(balance(h, worker)).isEqualTo(99);
      assertThat(balance(h, C)).isZero();
      assertThat(balance(h, "treasury")).isEqualTo(1);
      assertThat(balance(h, A)).isEqualTo(1_000_000 - 100);
      assertThat(h.economy().wallet().reader().supply().path("conserved").asBoolean()).isTrue();
    }

    // a mission nobody honest can take; b lies: bids, proposes and finalizes in its own name
    a.economy().missions().post(mission("m-liar", "nobody-else", "lab", 50));
    await().atMost(Duration.ofSeconds(60)).until(() -> all.stream().allMatch(h -> task(h, "m-liar").has("state")));
    String liar = id(b) + "/lab";
    Event bid = b.node().log().publish(Scope.GLOBAL, EventKind.EVENTS, TaskEventTypes.CLAIMED, "m-liar",
        CanonicalJson.parse("{\"executor\":\"" + liar + "\",\"capabilities\":[\"nobody-else\"]}"));
    Event cand = b.node().log().publish(Scope.GLOBAL, EventKind.EVENTS, TaskEventTypes.CANDIDATE_PROPOSED, "m-liar",
        CanonicalJson.parse("{\"executor\":\"" + liar + "\",\"output\":{\"answer\":\"mine\"}}"));
    for (NodeHost h : all) {
      await().atMost(Duration.ofSeconds(60)).until(() -> h.node().store().contains(bid.id()) && h.node().store().contains(cand.id()));
      JsonNode t = task(h, "m-liar");
      assertThat(t.path("state").asText()).isEqualTo("open");
      assertThat(t.path("bids").has(liar)).isFalse();
      assertThat(t.path("candidates").has(liar)).isFalse();
      assertThat(t.path("rejections").asInt()).isGreaterThanOrEqualTo(2);
      assertThat(t.path("last_rejection").asText()).contains("NOT_HIVE_MEMBER");
    }
    a.economy().missions().cancel("m-liar");
    for (NodeHost h : all) {
      await().atMost(Duration.ofSeconds(60)).until(() -> h.economy().missions().show("m-liar").path("state").asText().equals("cancelled")
          && balance(h, A) == 1_000_000 - 100);
    }

    // c leaves: the membership change reaches everyone, and c may not leave twice
    c.economy().hives().leave("lab");
    for (NodeHost h : all) await().atMost(Duration.ofSeconds(60)).until(() -> h.economy().hives().memberIds("lab").equals(List.of(A)));
    assertThat(c.network().scopes()).doesNotContain(Scope.parse("group:hive-lab"));
    assertThatThrownBy(() -> c.economy().hives().leave("lab")).hasMessageContaining("not a member of hive lab");

    // b joins, then forks its lane at the join: the proof spreads and every node leaves b out
    String B = id(b).toString();
    Event join = b.node().log().publish(Scope.GLOBAL, EventKind.MESSAGES, "hive.joined", "", CanonicalJson.object().put("hive", "lab"));
    for (NodeHost h : all) await().atMost(Duration.ofSeconds(60)).until(() -> h.economy().hives().memberIds("lab").contains(B));
    var forger = new dev.wattswarm.kernel.event.EventSigner(b.node().key(), b.node().networkId(), Clock.systemUTC());
    forger.seed(Scope.GLOBAL, new dev.wattswarm.kernel.event.LaneHead(join.laneSeq() - 1, join.prev()));
    forger.observe(join.clock());
    Event other = forger.sign(Scope.GLOBAL, EventKind.MESSAGES, "hive.left", "", CanonicalJson.object().put("hive", "lab"));
    assertThat(other.laneSeq()).isEqualTo(join.laneSeq());
    assertThatThrownBy(() -> a.node().log().ingest(other)).hasMessageContaining("already has seq");
    for (NodeHost h : all) {
      await().atMost(Duration.ofSeconds(60)).until(() -> !h.economy().hives().memberIds("lab").contains(B));
      assertThat(h.economy().hives().memberIds("lab")).containsExactly(A);
    }
  }

  static List<String> sorted(String... ids) {
    return java.util.Arrays.stream(ids).sorted().toList();
  }

  static JsonNode mission(String id, String capability, String hive, long reward) {
    return CanonicalJson.parse("{\"task_id\":\"" + id + "\",\"inputs\":{\"prompt\":\"measure\"},\"capability\":\"" + capability
        + "\",\"hive\":\"" + hive + "\",\"reward\":" + reward + "}");
  }
}
