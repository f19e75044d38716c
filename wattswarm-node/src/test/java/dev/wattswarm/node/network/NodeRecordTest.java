package dev.wattswarm.node.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeRecordTest {
  private static final SecureRandom RNG = new SecureRandom();
  private final KeyPair key = KeyPair.generate(RNG);
  private final long now = 1_800_000_000_000L;

  private NodeRecord record(List<String> addrs) {
    return NodeRecord.sign(key, "net:x", addrs, "http://127.0.0.1:7788", List.of("cap1"),
        Optional.of(new NodeRecord.Location(48.85, 2.35)), now, 600_000);
  }

  @Test
  void roundTripsAndVerifies() {
    NodeRecord r = record(List.of("127.0.0.1:4001", "[::1]:4001"));
    NodeRecord back = NodeRecord.decode(r.encode());
    back.verify("net:x", now + 1);
    assertThat(back).isEqualTo(r);
  }

  @Test
  void tamperedAddressesOrForeignKeyAreRefused() {
    ObjectNode j = record(List.of("127.0.0.1:4001")).toJson();
    j.putArray("addrs").add("127.0.0.1:1");
    NodeRecord forged = NodeRecord.fromJson(j);
    assertThatThrownBy(() -> forged.verify("net:x", now)).hasMessageContaining("signature does not verify");
    ObjectNode other = NodeRecord.sign(KeyPair.generate(RNG), "net:x", List.of("127.0.0.1:4001"), null, List.of(), Optional.empty(), now,
        1000).toJson();
    other.put("node_id", key.id().toString()); // someone else's signature under our id
    assertThatThrownBy(() -> NodeRecord.fromJson(other).verify("net:x", now)).hasMessageContaining("does not verify");
  }

  @Test
  void wrongNetworkExpiredFutureAndMalformedAreRefused() {
    NodeRecord r = record(List.of("127.0.0.1:4001"));
    assertThatThrownBy(() -> r.verify("net:y", now)).hasMessageContaining("not net:y");
    assertThatThrownBy(() -> r.verify("net:x", now + 600_000)).hasMessageContaining("expired");
    assertThatThrownBy(() -> r.verify("net:x", now - 120_000)).hasMessageContaining("future");
    assertThatThrownBy(() -> record(List.of("0.0.0.0:4001"))).hasMessageContaining("wildcard");
    assertThatThrownBy(() -> NodeRecord.sign(key, "net:x", List.of(), null, List.of(), Optional.empty(), now, 48 * 3600_000L))
        .hasMessageContaining("at most");
    assertThatThrownBy(() -> NodeRecord.decode(new byte[NodeRecord.MAX_BYTES + 1])).hasMessageContaining("over");
    assertThatThrownBy(() -> NodeRecord.fromJson(CanonicalJson.parse("{\"node_id\":1}"))).hasMessageContaining("node_id");
    assertThatThrownBy(() -> new NodeRecord.Location(91, 0)).hasMessageContaining("outside");
  }

  @Test
  void bookKeepsNewestVerifiedRecordAndStaysBounded() {
    NodeRecordBook book = new NodeRecordBook("net:x", 2);
    NodeRecord r1 = record(List.of("127.0.0.1:4001"));
    NodeRecord r2 = NodeRecord.sign(key, "net:x", List.of("127.0.0.1:4002"), null, List.of(), Optional.empty(), now + 10, 600_000);
    assertThat(book.offer(r2, now)).isEqualTo(NodeRecordBook.Outcome.STORED);
    assertThat(book.offer(r1, now)).isEqualTo(NodeRecordBook.Outcome.STALE);
    assertThat(book.addresses(key.id(), now)).containsExactly("127.0.0.1:4002");
    for (int i = 0; i < 5; i++) {
      book.offer(NodeRecord.sign(KeyPair.generate(RNG), "net:x", List.of(), null, List.of(), Optional.empty(), now, 1000 + i), now);
    }
    assertThat(book.size()).isEqualTo(2);
    assertThat(book.addresses(key.id(), now)).containsExactly("127.0.0.1:4002");
    assertThat(book.addresses(key.id(), now + 600_010)).isEmpty();
  }
}
