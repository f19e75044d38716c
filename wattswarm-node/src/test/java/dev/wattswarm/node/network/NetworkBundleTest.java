package dev.wattswarm.node.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.testkit.TestEvents;
import org.junit.jupiter.api.Test;

/** The bootstrap bundle: a joiner accepts it only if every check holds. */
class NetworkBundleTest {
  final NetworkBundle good = NetworkBundle.genesis(TestEvents.key(1), NetworkBundle.defaultParams(), 1_700_000_000_000L);

  @Test
  void aGenesisBundleVerifiesAndRoundTrips() {
    good.verify(TestEvents.key(1).id());
    NetworkBundle back = NetworkBundle.fromJson(CanonicalJson.parse(CanonicalJson.encode(good.toJson())));
    back.verify(TestEvents.key(1).id());
    assertThat(back.networkId()).isEqualTo("net:" + TestEvents.key(1).id());
  }

  @Test
  void tamperingIsRefused() {
    ObjectNode j = good.toJson();
    ((ObjectNode) j.get("params")).put("max_payload_bytes", 1);
    assertThatThrownBy(() -> NetworkBundle.fromJson(j).verify(null)).hasMessageContaining("params hash");

    ObjectNode sig = good.toJson();
    String s = sig.get("signature").asText();
    sig.put("signature", (s.charAt(0) == 'a' ? "b" : "a") + s.substring(1));
    assertThatThrownBy(() -> NetworkBundle.fromJson(sig).verify(null)).hasMessageContaining("signature");

    ObjectNode relabelled = good.toJson();
    relabelled.put("network_id", "net:someone-else");
    assertThatThrownBy(() -> NetworkBundle.fromJson(relabelled).verify(null)).hasMessageContaining("network id");

    // a bundle made by another key, presented as if from the expected genesis
    NetworkBundle other = NetworkBundle.genesis(TestEvents.key(2), NetworkBundle.defaultParams(), 1L);
    assertThatThrownBy(() -> other.verify(TestEvents.key(1).id())).hasMessageContaining("expected");

    ObjectNode forged = other.toJson();
    forged.put("genesis_node_id", TestEvents.key(1).id().toString()).put("network_id", "net:" + TestEvents.key(1).id());
    assertThatThrownBy(() -> NetworkBundle.fromJson(forged).verify(TestEvents.key(1).id())).hasMessageContaining("signature");

    assertThatThrownBy(() -> NetworkBundle.fromJson(CanonicalJson.parse("{\"network_id\":1}"))).hasMessageContaining("missing");
  }

  @Test
  void contactsParseOrSayWhatIsWrong() {
    String id = TestEvents.key(1).id().toString();
    assertThat(Contact.parse(id + "@127.0.0.2:4001").address()).isEqualTo("127.0.0.2:4001");
    assertThatThrownBy(() -> Contact.parse("nonsense")).hasMessageContaining("<node_id>@<host:port>");
    assertThatThrownBy(() -> Contact.parse("z6Mkbad@1.2.3.4:5")).hasMessageContaining("z6Mkbad");
    assertThatThrownBy(() -> Contact.parse(id + "@host")).hasMessageContaining("host:port");
    assertThatThrownBy(() -> Contact.parse(id + "@host:99999")).hasMessageContaining("port");
  }
}
