package dev.wattswarm.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Malformed, refused and oversized requests to /v1/relationships, /v1/dm and /v1/groups: one-line 4xx answers. */
@org.junit.jupiter.api.Timeout(300)
class SocialApiTest extends LocalNodeApi {
  final String stranger = KeyPair.generate(new SecureRandom()).id().toString();

  static String message(HttpResponse<String> r) {
    JsonNode e = CanonicalJson.parse(r.body()).path("error");
    assertThat(e.path("message").asText()).doesNotContain("\n").doesNotContain("Exception");
    return e.path("message").asText();
  }

  @Test
  void badInputIsA400ThatSaysWhatIsWrong() throws Exception {
    var r = call("POST", "/v1/relationships/not-a-node/request", null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(message(r)).contains("not a node id");
    r = call("POST", "/v1/relationships/" + stranger + "/befriend", null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(message(r)).contains("must be one of request, accept");
    assertThat(call("POST", "/v1/relationships/" + stranger + "/request", "{bad").statusCode()).isEqualTo(400);
    assertThat(call("POST", "/v1/relationships/" + stranger + "/request", "{\"note\": 5}").statusCode()).isEqualTo(400);
    r = call("POST", "/v1/relationships/" + stranger + "/request", "{\"note\": \"" + "x".repeat(2_000) + "\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(message(r)).contains("note is over");
    r = call("POST", "/v1/relationships/" + host.node().nodeId() + "/request", null);
    assertThat(message(r)).contains("itself");
    assertThat(call("POST", "/v1/dm/" + stranger, "{}").statusCode()).isEqualTo(400);
    assertThat(call("POST", "/v1/dm/" + stranger, "not json").statusCode()).isEqualTo(400);
    assertThat(call("GET", "/v1/dm/" + stranger + "?limit=0", null).statusCode()).isEqualTo(400);
    assertThat(call("GET", "/v1/dm/" + stranger + "?limit=x", null).statusCode()).isEqualTo(400);
    r = call("POST", "/v1/dm/" + stranger, "{\"text\": \"" + "y".repeat(9_000) + "\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(message(r)).contains("at most 8192");
  }

  @Test
  void actionsTheStateDoesNotAllowAre409s() throws Exception {
    var r = call("POST", "/v1/dm/" + stranger, "{\"text\": \"hi\"}");
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(message(r)).contains("no accepted relationship");
    r = call("POST", "/v1/relationships/" + stranger + "/accept", null);
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(message(r)).contains("is none").contains("only a pending request");
    r = call("POST", "/v1/relationships/" + stranger + "/request", "{\"note\": \"hello\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(CanonicalJson.parse(r.body()).path("state").asText()).isEqualTo("pending_out");
    assertThat(call("POST", "/v1/relationships/" + stranger + "/request", null).statusCode()).isEqualTo(409);
    JsonNode list = CanonicalJson.parse(call("GET", "/v1/relationships", null).body());
    assertThat(list.path("relationships")).hasSize(1);
    assertThat(list.path("relationships").get(0).path("node_id").asText()).isEqualTo(stranger);
    assertThat(list.path("relationships").get(0).path("updated_at_ms").asLong()).isPositive();
    assertThat(call("POST", "/v1/relationships/" + stranger + "/block", null).statusCode()).isEqualTo(200);
    assertThat(call("POST", "/v1/relationships/" + stranger + "/request", null).statusCode()).isEqualTo(409);
    assertThat(CanonicalJson.parse(call("GET", "/v1/dm/" + stranger, null).body()).path("messages")).isEmpty();
  }

  @Test
  void groupsNeedNetworkingAndAValidId() throws Exception {
    assertThat(CanonicalJson.parse(call("GET", "/v1/groups", null).body()).path("groups")).isEmpty();
    var r = call("POST", "/v1/groups/team-x/join", null);
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(message(r)).contains("networking");
  }
}
