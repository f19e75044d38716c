package dev.wattswarm.server.a2a;

import static dev.wattswarm.server.gateway.GatewayNode.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.server.gateway.GatewayLimits;
import dev.wattswarm.server.gateway.GatewayNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The A2A JSON-RPC endpoint against bad input, over real HTTP: each answer is a JSON-RPC error with the right code. */
class A2aRpcTest {
  @TempDir Path tmp;
  GatewayNode n;
  String key;

  @BeforeEach
  void start() throws Exception {
    n = new GatewayNode(tmp.resolve("n"), new GatewayLimits(1000, 1000, 2048, 4, 64, 10_000, 2, 5_000), Clock.systemUTC());
    key = n.newKey("rpc");
  }

  @AfterEach
  void stop() {
    if (n != null) n.close();
  }

  static JsonNode rpcError(HttpResponse<String> r, int status, int code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode b = json(r);
    assertThat(b.path("jsonrpc").asText()).isEqualTo("2.0");
    assertThat(b.path("error").path("code").asInt()).as(r.body()).isEqualTo(code);
    assertThat(b.path("error").path("message").asText()).isNotBlank().doesNotContain("\n").doesNotContain("Exception");
    return b;
  }

  static String call(String method, String params) {
    return "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"" + method + "\",\"params\":" + params + "}";
  }

  static final String MESSAGE = "{\"message\":{\"messageId\":\"m1\",\"role\":\"ROLE_USER\",\"parts\":[{\"text\":\"hi\"}]}}";

  @Test
  void malformedRequestsGetJsonRpcErrors() throws Exception {
    rpcError(n.post(A2aRpc.PATH, key, "{\"jsonrpc\":"), 200, -32700);
    rpcError(n.post(A2aRpc.PATH, key, "[]"), 200, -32600);
    rpcError(n.post(A2aRpc.PATH, key, "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"GetTask\",\"params\":{}}"), 200, -32600);
    rpcError(n.post(A2aRpc.PATH, key, "{\"jsonrpc\":\"2.0\",\"id\":{\"x\":1},\"method\":\"GetTask\",\"params\":{}}"), 200, -32600);
    rpcError(n.post(A2aRpc.PATH, key, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"GetTask\",\"params\":[1]}"), 200, -32602);
    JsonNode unknown = rpcError(n.post(A2aRpc.PATH, key, call("DanceWith", "{}")), 200, -32601);
    assertThat(unknown.path("id").asInt()).isEqualTo(7);
    rpcError(n.post(A2aRpc.PATH, key, call("GetTask", "{}")), 200, -32602);
    rpcError(n.post(A2aRpc.PATH, key, call("GetTask", "{\"id\":\"no-such-task\"}")), 200, -32001);
    rpcError(n.post(A2aRpc.PATH, key, call("CancelTask", "{\"id\":\"no-such-task\"}")), 200, -32001);
  }

  @Test
  void badMessagesAreRefusedAndMakeNoTask() throws Exception {
    rpcError(n.post(A2aRpc.PATH, key, call("SendMessage", "{}")), 200, -32602);
    rpcError(n.post(A2aRpc.PATH, key, call("SendMessage", MESSAGE.replace("ROLE_USER", "ROLE_AGENT"))), 200, -32602);
    rpcError(n.post(A2aRpc.PATH, key, call("SendMessage", MESSAGE.replace("\"messageId\":\"m1\",", ""))), 200, -32602);
    rpcError(n.post(A2aRpc.PATH, key, call("SendMessage", MESSAGE.replace("[{\"text\":\"hi\"}]", "[]"))), 200, -32602);
    rpcError(n.post(A2aRpc.PATH, key, call("SendMessage", MESSAGE.replace("{\"text\":\"hi\"}", "{\"url\":\"http://x\"}"))), 200, -32005);
    rpcError(n.post(A2aRpc.PATH, key, call("SendMessage", MESSAGE.replace("\"role\"", "\"taskId\":\"t\",\"role\""))), 200, -32004);
    rpcError(n.post(A2aRpc.PATH, key, call("SendStreamingMessage", "{}")), 200, -32602);
    // a data part taken as the task: an invalid one names the field
    JsonNode bad = rpcError(n.post(A2aRpc.PATH, key, call("SendMessage",
        MESSAGE.replace("{\"text\":\"hi\"}", "{\"data\":{\"task_type\":\"swarm\",\"inputs\":{}}}"))), 200, -32602);
    assertThat(bad.path("error").path("message").asText()).contains("prompt");
    assertThat(n.host.tasks().service().list(null, null, 10)).isEmpty();
  }

  @Test
  void keysAndSizeAreCheckedFirst() throws Exception {
    rpcError(n.post(A2aRpc.PATH, null, call("GetTask", "{\"id\":\"x\"}")), 401, -32600);
    rpcError(n.post(A2aRpc.PATH, "wsgk_wrong", call("GetTask", "{\"id\":\"x\"}")), 401, -32600);
    rpcError(n.post(A2aRpc.PATH, key, call("SendMessage", MESSAGE.replace("hi", "x".repeat(3000)))), 413, -32600);
    assertThat(n.host.tasks().service().list(null, null, 10)).isEmpty();
  }

  @Test
  void returnImmediatelyAnswersWithTheNewTaskAndAnEndedTaskIsNotCancelable() throws Exception {
    var sent = n.post(A2aRpc.PATH, key, call("SendMessage", MESSAGE.replace("{\"message\"", "{\"configuration\":{\"returnImmediately\":true},\"message\"")));
    JsonNode task = json(sent).path("result").path("task");
    String id = task.path("id").asText();
    assertThat(id).as(sent.body()).startsWith("a2a-");
    assertThat(task.path("status").path("state").asText()).isIn("TASK_STATE_SUBMITTED", "TASK_STATE_WORKING", "TASK_STATE_COMPLETED");
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> n.taskState(id).equals("finalized"));
    JsonNode got = json(n.post(A2aRpc.PATH, key, call("GetTask", "{\"id\":\"" + id + "\"}"))).path("result");
    assertThat(got.path("status").path("state").asText()).isEqualTo("TASK_STATE_COMPLETED");
    assertThat(got.path("artifacts").get(0).path("parts").get(0).path("text").asText()).isNotEmpty();
    rpcError(n.post(A2aRpc.PATH, key, call("CancelTask", "{\"id\":\"" + id + "\"}")), 200, -32002);
  }

  @Test
  void theCardNamesTheInterfaceAndTheBearerScheme() throws Exception {
    JsonNode card = json(n.get(AgentCardRoute.PATH, null));
    assertThat(card.path("supportedInterfaces").get(0).path("url").asText()).isEqualTo(n.listener.url() + A2aRpc.PATH);
    assertThat(card.path("supportedInterfaces").get(0).path("protocolBinding").asText()).isEqualTo("JSONRPC");
    assertThat(card.path("securitySchemes").path("gateway_key").path("httpAuthSecurityScheme").path("scheme").asText()).isEqualTo("Bearer");
    assertThat(card.toString()).doesNotContain(key);
  }
}
