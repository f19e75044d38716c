package dev.wattswarm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.agents.AgentSpec;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * /v1/hives over real HTTP on a local node: the stable shapes the CLI and console read, a mission
 * posted to the hive and paid to the agent the winning executor works for, and every bad request
 * refused with one line that says what to do, changing nothing.
 */
@org.junit.jupiter.api.Timeout(300)
class HiveApiTest extends LocalNodeApi {
  /** An executor working for the agent "tr", so a won mission pays the agent's account. */
  @Override
  protected NodeHost startNode(StateDir dir) throws Exception {
    Files.createDirectories(dir.root());
    Files.writeString(dir.root().resolve("executors.json"), "{\"executors\":[{\"name\":\"w\",\"kind\":\"rules\",\"capabilities\":[\"lab\"],"
        + "\"rules\":[{\"match\":\".*\",\"answer\":\"ok\"}],\"agent\":\"tr\"}]}");
    return NodeHost.start(NodeConfig.local(dir.root()), dir, Clock.systemUTC(), new SecureRandom(),
        NodeHost.Options.defaults().withAgents(List.of(AgentSpec.parse("tr:specialist:translate"))));
  }


  @Test
  void hivesOverRestAndAMissionPaidToTheWinningAgent() throws Exception {
    String me = host.node().nodeId().toString();
    String agent = host.agents().localAgents().get(0).id();
    assertThat(json(call("GET", "/v1/hives", null)).path("hives")).isEmpty();
    var created = call("POST", "/v1/hives", "{\"id\":\"lab\",\"topic\":\"experiments\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode h = json(created);
    assertThat(h.path("hive").asText()).isEqualTo("lab");
    assertThat(h.path("topic").asText()).isEqualTo("experiments");
    assertThat(h.path("created_by").asText()).isEqualTo(me);
    assertThat(h.path("member").asBoolean()).isTrue();
    assertThat(h.path("scope").asText()).isEqualTo("group:hive-lab");
    assertThat(h.path("members").get(0).path("node").asText()).isEqualTo(me);
    JsonNode list = json(call("GET", "/v1/hives", null));
    assertThat(list.path("hives")).hasSize(1);
    assertThat(list.path("hives").get(0).path("member_count").asInt()).isEqualTo(1);
    JsonNode members = json(call("GET", "/v1/hives/lab/members", null));
    assertThat(members.path("hive").asText()).isEqualTo("lab");
    assertThat(members.path("members").get(0).path("node").asText()).isEqualTo(me);
    assertThat(json(call("POST", "/v1/hives/lab/join", null)).path("changed").asBoolean()).isFalse();

    var posted = call("POST", "/v1/missions", "{\"task_id\":\"hm\",\"inputs\":{\"prompt\":\"p\"},\"capability\":\"lab\",\"reward\":200,\"hive\":\"lab\"}");
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(60)).until(() -> json(call("GET", "/v1/missions/hm", null)).path("state").asText().equals("settled"));
    JsonNode m = json(call("GET", "/v1/missions/hm", null));
    assertThat(m.path("winner").asText()).isEqualTo(agent);
    assertThat(m.path("hive").asText()).isEqualTo("lab");
    assertThat(json(call("GET", "/v1/watt/balance/" + agent, null)).path("balance").asLong()).isEqualTo(198);

    String[][] bad = {
        {"POST", "/v1/hives", "{\"id\":\"bad id!\"}", "400", "bad hive name"},
        {"POST", "/v1/hives", "{\"id\":\"" + "x".repeat(65) + "\"}", "400", "bad hive name"},
        {"POST", "/v1/hives", "{\"id\":\"t\",\"topic\":\"" + "y".repeat(201) + "\"}", "400", "topic"},
        {"POST", "/v1/hives", "{\"id\":\"t\",\"topic\":7}", "400", "topic"},
        {"POST", "/v1/hives", "{\"topic\":\"no id\"}", "400", "\"id\" is missing"},
        {"POST", "/v1/hives", "[1]", "400", "JSON object"},
        {"POST", "/v1/hives", "{\"id\":", "400", ""},
        {"POST", "/v1/hives", "{\"id\":\"lab\"}", "409", "exists"},
        {"GET", "/v1/hives/nope", null, "404", "unknown hive nope"},
        {"GET", "/v1/hives/nope/members", null, "404", "unknown hive nope"},
        {"POST", "/v1/hives/nope/join", null, "404", "hive create nope"},
        {"POST", "/v1/hives/bad%20id/join", null, "400", "bad hive name"},
        {"POST", "/v1/hives/bad%0Aname/join", null, "400", "bad hive name 'bad?name'"},
        {"POST", "/v1/missions", "{\"task_id\":\"y\",\"inputs\":{\"prompt\":\"p\"},\"reward\":5,\"hive\":7}", "400", "hive id"},
        {"POST", "/v1/missions", "{\"task_id\":\"y\",\"inputs\":{\"prompt\":\"p\"},\"reward\":5,\"hive\":\"lab\",\"hive_members\":[\"" + me
            + "\"]}", "400", "filled in by the posting node"},
    };
    for (String[] b : bad) {
      var r = call(b[0], b[1], b[2]);
      assertThat(r.statusCode()).as(b[1] + " " + b[2] + " -> " + r.body()).isEqualTo(Integer.parseInt(b[3]));
      String msg = json(r).path("error").path("message").asText();
      assertThat(msg).as(b[1]).contains(b[4]).doesNotContain("Exception").doesNotContain("\n");
    }
    var left = call("POST", "/v1/hives/lab/leave", null);
    assertThat(left.statusCode()).isEqualTo(200);
    assertThat(json(left).path("member").asBoolean()).isFalse();
    assertThat(json(left).path("members")).isEmpty();
    var again = call("POST", "/v1/hives/lab/leave", null);
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(json(again).path("error").path("message").asText()).contains("not a member of hive lab");
    var notMember = call("POST", "/v1/missions", "{\"task_id\":\"z\",\"inputs\":{\"prompt\":\"p\"},\"reward\":5,\"hive\":\"lab\"}");
    assertThat(notMember.statusCode()).isEqualTo(409);
    assertThat(json(notMember).path("error").path("message").asText()).contains("hive join lab");
    // nothing of the refused posts was created or escrowed
    assertThat(call("GET", "/v1/missions/y", null).statusCode()).isEqualTo(404);
    assertThat(call("GET", "/v1/missions/z", null).statusCode()).isEqualTo(404);
    assertThat(json(call("GET", "/v1/watt/balance", null)).path("escrowed").asLong()).isZero();
  }

  @Test
  void messagesOverRestAndEveryBadPostRefused() throws Exception {
    String me = host.node().nodeId().toString();
    assertThat(call("POST", "/v1/hives", "{\"id\":\"lab\"}").statusCode()).isEqualTo(201);
    var posted = call("POST", "/v1/hives/lab/messages", "{\"text\":\"hello\"}");
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);
    assertThat(json(posted).path("from").asText()).isEqualTo(me);
    assertThat(json(posted).path("hive").asText()).isEqualTo("lab");
    assertThat(call("POST", "/v1/hives/lab/messages", "{\"text\":\"again\"}").statusCode()).isEqualTo(201);
    JsonNode list = json(call("GET", "/v1/hives/lab/messages", null));
    assertThat(list.path("messages")).hasSize(2);
    assertThat(list.path("messages").get(0).path("text").asText()).isEqualTo("hello");
    assertThat(list.path("messages").get(0).path("event_id").asText()).isEqualTo(json(posted).path("event_id").asText());
    assertThat(json(call("GET", "/v1/hives/lab/messages?limit=1", null)).path("messages").get(0).path("text").asText()).isEqualTo("again");
    String[][] bad = {
        {"POST", "/v1/hives/lab/messages", "{\"text\":\"\"}", "400", "empty"},
        {"POST", "/v1/hives/lab/messages", "{\"text\":\"" + "z".repeat(4097) + "\"}", "400", "at most 4096"},
        {"POST", "/v1/hives/lab/messages", "{\"text\":7}", "400", "{\"text\": T}"},
        {"POST", "/v1/hives/lab/messages", "{}", "400", "{\"text\": T}"},
        {"POST", "/v1/hives/lab/messages", "[\"hi\"]", "400", "JSON object"},
        {"POST", "/v1/hives/lab/messages", "{\"text\":", "400", ""},
        {"POST", "/v1/hives/nope/messages", "{\"text\":\"x\"}", "404", "unknown hive nope"},
        {"POST", "/v1/hives/bad%20id/messages", "{\"text\":\"x\"}", "400", "bad hive name"},
        {"GET", "/v1/hives/nope/messages", null, "404", "unknown hive nope"},
        {"GET", "/v1/hives/lab/messages?limit=0", null, "400", "limit"},
        {"GET", "/v1/hives/lab/messages?limit=abc", null, "400", "limit"},
    };
    for (String[] b : bad) {
      var r = call(b[0], b[1], b[2]);
      assertThat(r.statusCode()).as(b[1] + " " + b[2] + " -> " + r.body()).isEqualTo(Integer.parseInt(b[3]));
      assertThat(json(r).path("error").path("message").asText()).as(b[1]).contains(b[4]).doesNotContain("Exception").doesNotContain("\n");
    }
    assertThat(call("POST", "/v1/hives/lab/leave", null).statusCode()).isEqualTo(200);
    var notMember = call("POST", "/v1/hives/lab/messages", "{\"text\":\"x\"}");
    assertThat(notMember.statusCode()).isEqualTo(409);
    assertThat(json(notMember).path("error").path("message").asText()).contains("not a member of hive lab");
    assertThat(json(call("GET", "/v1/hives/lab/messages", null)).path("messages")).hasSize(2);
  }
}
