package dev.wattswarm.economy.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.testkit.TestEvents;
import org.junit.jupiter.api.Test;

/** A receipt proves what the provider was paid for; any change to it, or another signer, does not verify. */
class ReceiptTest {
  final KeyPair provider = TestEvents.key(11);
  final KeyPair impostor = TestEvents.key(12);
  final JsonNode request = CanonicalJson.parse("{\"text\":\"hi\"}");
  final JsonNode response = CanonicalJson.parse("{\"text\":\"salut\"}");

  @Test
  void aGenuineReceiptVerifiesAndEveryForgeryFails() {
    ObjectNode r = Receipt.sign(provider, "net:x", "translate", 5, "caller", "n1", request, response);
    assertThat(Receipt.verify(r, "net:x", request, response)).isTrue();
    assertThat(Receipt.verify(r, "net:other", request, response)).as("another network").isFalse();
    assertThat(Receipt.verify(r, "net:x", CanonicalJson.parse("{\"text\":\"ho\"}"), response)).as("another request").isFalse();
    assertThat(Receipt.verify(r, "net:x", request, CanonicalJson.parse("{}"))).as("another response").isFalse();
    ObjectNode cheaper = r.deepCopy().put("price", 1);
    assertThat(Receipt.verify(cheaper, "net:x", request, response)).as("price changed").isFalse();
    ObjectNode other = r.deepCopy().put("provider", impostor.id().toString());
    assertThat(Receipt.verify(other, "net:x", request, response)).as("provider changed").isFalse();
    ObjectNode byImpostor = Receipt.sign(impostor, "net:x", "translate", 5, "caller", "n1", request, response);
    byImpostor.put("provider", provider.id().toString());
    assertThat(Receipt.verify(byImpostor, "net:x", request, response)).as("signed by someone else").isFalse();
    assertThat(Receipt.verify(r.deepCopy().put("signature", "zz"), "net:x", request, response)).isFalse();
    assertThat(Receipt.verify(CanonicalJson.object(), "net:x", request, response)).isFalse();
    assertThat(Receipt.verify(null, "net:x", request, response)).isFalse();
  }
}
