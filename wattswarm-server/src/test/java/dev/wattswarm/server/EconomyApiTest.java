package dev.wattswarm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.agents.AgentSpec;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * /v1/watt and /v1/missions over real HTTP on a local node (its own genesis): balances, an agent's
 * own account paying and being paid, a mission settled and one cancelled, and every kind of bad
 * input refused with one clear message that changes nothing.
 */
@org.junit.jupiter.api.Timeout(300)
class EconomyApiTest extends LocalNodeApi {
  @Override
  protected NodeHost startNode(StateDir dir) throws Exception {
    return NodeHost.start(NodeConfig.local(dir.root()), dir, Clock.systemUTC(), new SecureRandom(),
        NodeHost.Options.defaults().withAgents(List.of(AgentSpec.parse("tr:specialist:translate"))));
  }


  long balance(String account) throws Exception {
    return json(call("GET", "/v1/watt/balance/" + account, null)).path("balance").asLong();
  }

  @Test
  void agentsHoldTheirOwnWattAndMissionsSettleOrRefund() throws Exception {
    String me = host.node().nodeId().toString();
    String agent = host.agents().localAgents().get(0).id();
    assertThat(balance(me)).isEqualTo(1_000_000);
    var sent = call("POST", "/v1/watt/transfer", "{\"to\":\"" + agent + "\",\"amount\":500}");
    assertThat(sent.statusCode()).as(sent.body()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(30)).until(() -> balance(agent) == 500); // the node acknowledges for its agent
    // the agent pays from its own chain, signed with its own key
    var back = call("POST", "/v1/watt/transfer", "{\"to\":\"" + me + "\",\"amount\":\"20\",\"from\":\"tr\"}");
    assertThat(back.statusCode()).as(back.body()).isEqualTo(201);
    assertThat(json(back).path("from").asText()).isEqualTo(agent);
    assertThat(balance(agent)).isEqualTo(480);
    var agentOver = call("POST", "/v1/watt/transfer", "{\"to\":\"" + me + "\",\"amount\":481,\"from\":\"tr\"}");
    assertThat(agentOver.statusCode()).isEqualTo(402);
    JsonNode history = json(call("GET", "/v1/watt/history?account=" + agent, null));
    assertThat(history.path("history")).hasSize(2);
    assertThat(history.path("history").get(1).path("op").asText()).isEqualTo("sent");

    var post = call("POST", "/v1/missions", "{\"task_id\":\"m1\",\"task_type\":\"swarm\",\"inputs\":{\"prompt\":\"hello\"},\"reward\":200}");
    assertThat(post.statusCode()).as(post.body()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(30)).until(() -> json(call("GET", "/v1/missions/m1", null)).path("state").asText().equals("settled"));
    JsonNode m1 = json(call("GET", "/v1/missions/m1", null));
    assertThat(m1.path("winner").asText()).isEqualTo(me);
    assertThat(m1.path("fee").asLong()).isEqualTo(2);
    assertThat(balance("treasury")).isEqualTo(2);
    JsonNode supply = json(call("GET", "/v1/watt/supply", null));
    assertThat(supply.path("conserved").asBoolean()).isTrue();
    assertThat(supply.path("supply").asLong()).isEqualTo(1_000_000);
    JsonNode status = json(call("GET", "/v1/node", null)).path("economy");
    assertThat(status.path("missions").path("settled").asInt()).isEqualTo(1);
    assertThat(json(call("GET", "/v1/missions?state=settled", null)).path("missions")).hasSize(1);
    assertThat(call("POST", "/v1/missions/m1/cancel", null).statusCode()).isEqualTo(409);
    // the same mission posted again is the same mission, not a second escrow
    long before = balance(me);
    assertThat(call("POST", "/v1/missions", "{\"task_id\":\"m1\",\"task_type\":\"swarm\",\"inputs\":{\"prompt\":\"hello\"},\"reward\":200}")
        .statusCode()).isEqualTo(201);
    assertThat(balance(me)).isEqualTo(before);
  }

  @Test
  void aServiceIsPaidOnlyWithASignedReceiptAndAFeedIsSigned() throws Exception {
    String agent = host.agents().localAgents().get(0).id();
    var ad = call("POST", "/v1/services", "{\"capability\":\"translate\",\"price\":5,\"agent\":\"tr\"}");
    assertThat(ad.statusCode()).as(ad.body()).isEqualTo(201);
    assertThat(json(call("GET", "/v1/services?capability=translate", null)).path("services")).hasSize(1);
    assertThat(call("POST", "/v1/services", "{\"capability\":\"x\",\"price\":0}").statusCode()).isEqualTo(400);
    assertThat(call("POST", "/v1/services", "{\"capability\":\"x\",\"price\":3,\"agent\":\"ghost\"}").statusCode()).isEqualTo(404);
    var tooCheap = call("POST", "/v1/services/call", "{\"capability\":\"translate\",\"request\":{\"text\":\"hi\"},\"max_price\":4}");
    assertThat(tooCheap.statusCode()).isEqualTo(404);
    assertThat(balance(agent)).isZero();
    var paid = call("POST", "/v1/services/call", "{\"capability\":\"translate\",\"request\":{\"text\":\"hi\"},\"max_price\":5}");
    assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
    JsonNode r = json(paid);
    assertThat(r.path("receipt").path("provider").asText()).isEqualTo(agent);
    assertThat(r.path("receipt").path("price").asLong()).isEqualTo(5);
    assertThat(dev.wattswarm.economy.service.Receipt.verify(r.path("receipt"), host.node().networkId(),
        CanonicalJson.parse("{\"text\":\"hi\"}"), r.path("reply"))).isTrue();
    await().atMost(Duration.ofSeconds(30)).until(() -> balance(agent) == 5);

    var pub = call("POST", "/v1/oracles", "{\"feed\":\"price.eth\",\"value\":{\"usd\":3000},\"price\":2}");
    assertThat(pub.statusCode()).as(pub.body()).isEqualTo(201);
    JsonNode read = json(call("GET", "/v1/oracles/price.eth", null));
    assertThat(read.path("value").path("usd").asInt()).isEqualTo(3000);
    assertThat(read.path("signature").asText()).hasSize(128);
    assertThat(call("GET", "/v1/oracles/nope", null).statusCode()).isEqualTo(404);
    assertThat(call("POST", "/v1/oracles", "{\"feed\":\"bad feed!\",\"value\":1}").statusCode()).isEqualTo(400);
  }

  @Test
  void badInputIsRefusedAndChangesNothing() throws Exception {
    String me = host.node().nodeId().toString();
    String agent = host.agents().localAgents().get(0).id();
    String[][] bad = {
        {"{\"to\":\"" + agent + "\",\"amount\":-5}", "400", "positive"},
        {"{\"to\":\"" + agent + "\",\"amount\":0}", "400", "positive"},
        {"{\"to\":\"" + agent + "\",\"amount\":1.5}", "400", "whole number"},
        {"{\"to\":\"" + agent + "\",\"amount\":9007199254740993}", "400", "2^53"},
        {"{\"to\":\"" + agent + "\",\"amount\":1e400}", "400", "2^53"},
        {"{\"to\":\"" + agent + "\",\"amount\":\"ten\"}", "400", "not a number"},
        {"{\"to\":\"" + agent + "\",\"amount\":true}", "400", "whole number"},
        {"{\"to\":\"" + agent + "\"}", "400", "missing"},
        {"{\"amount\":5}", "400", "\\\"to\\\" is missing"},
        {"{\"to\":\"nobody\",\"amount\":5}", "400", "not a node id"},
        {"{\"to\":\"" + me + "\",\"amount\":5}", "400", "cannot pay itself"},
        {"{\"to\":\"z6MkfRyXB8MrknMk2nbBw2pRxJxiWEfGHE1oxDoJBhLviBos\",\"amount\":5}", "404", "unknown account"},
        {"{\"to\":\"" + agent + "\",\"amount\":5,\"from\":\"ghost\"}", "404", "no agent 'ghost'"},
        {"{\"to\":\"" + agent + "\",\"amount\":5000000}", "402", "insufficient funds"},
        {"[1,2]", "400", "JSON object"},
        {"{\"to\":", "400", ""},
    };
    for (String[] b : bad) {
      var r = call("POST", "/v1/watt/transfer", b[0]);
      assertThat(r.statusCode()).as(b[0] + " -> " + r.body()).isEqualTo(Integer.parseInt(b[1]));
      assertThat(json(r).path("error").path("message").asText()).as(b[0]).contains(b[2].replace("\\\"", "\"")).doesNotContain("Exception");
    }
    String[][] missions = {
        {"{\"task_id\":\"x\",\"inputs\":{\"prompt\":\"p\"}}", "400", "reward"},
        {"{\"task_id\":\"x\",\"inputs\":{\"prompt\":\"p\"},\"reward\":-1}", "400", "positive"},
        {"{\"task_id\":\"x\",\"inputs\":{\"prompt\":\"p\"},\"reward\":99999999}", "402", "insufficient funds"},
        {"{\"task_id\":\"x\",\"inputs\":{\"prompt\":\"p\"},\"reward\":5,\"hive\":\"h\"}", "404", "unknown hive h"},
        {"{\"task_id\":\"x\",\"inputs\":{\"prompt\":\"p\",\"swarm_scope\":\"region:eu\"},\"reward\":5}", "400", "global scope"},
        {"{\"inputs\":{\"prompt\":\"p\"},\"reward\":5}", "400", "task_id"},
        {"\"just a string\"", "400", "JSON object"},
    };
    for (String[] m : missions) {
      var r = call("POST", "/v1/missions", m[0]);
      assertThat(r.statusCode()).as(m[0] + " -> " + r.body()).isEqualTo(Integer.parseInt(m[1]));
      assertThat(json(r).path("error").path("message").asText()).as(m[0]).containsIgnoringCase(m[2]);
    }
    assertThat(call("GET", "/v1/missions/nope", null).statusCode()).isEqualTo(404);
    assertThat(call("POST", "/v1/missions/nope/cancel", null).statusCode()).isEqualTo(404);
    assertThat(call("GET", "/v1/watt/balance/z6MkfRyXB8MrknMk2nbBw2pRxJxiWEfGHE1oxDoJBhLviBos", null).statusCode()).isEqualTo(404);
    assertThat(call("GET", "/v1/watt/balance/garbage", null).statusCode()).isEqualTo(400);
    // nothing moved, and nothing was escrowed or signed for a refused request
    assertThat(balance(me)).isEqualTo(1_000_000);
    JsonNode hist = json(call("GET", "/v1/watt/history", null));
    assertThat(hist.path("history")).hasSize(1); // the genesis mint only
    assertThat(json(call("GET", "/v1/tasks", null)).path("tasks")).isEmpty();
  }
}
