package dev.wattswarm.node.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.network.NodeRecord;
import dev.wattswarm.node.network.NodeRecordBook;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Every way a discovery record can be bad gets its own refusal, and nothing refused is stored. */
class RecordIntakeTest {
  static final String NET = "net:test";
  final SecureRandom rng = new SecureRandom();
  final KeyPair key = KeyPair.generate(rng);
  final long now = 1_800_000_000_000L;
  final NodeRecordBook book = new NodeRecordBook(NET, 100);

  NodeRecord record(KeyPair k, String net, long issued, long ttl) {
    return NodeRecord.sign(k, net, List.of("127.0.0.1:4001"), "http://127.0.0.1:7788", List.of("cap1"),
        Optional.of(new NodeRecord.Location(48.85, 2.35)), issued, ttl);
  }

  Refusal refusal(byte[] json) {
    try {
      RecordIntake.admit(book, RecordIntake.check(json, NET, now), now);
    } catch (Refusal r) {
      assertThat(r.getMessage()).doesNotContain("\n").isNotBlank();
      return r;
    }
    throw new AssertionError("accepted: " + new String(json, StandardCharsets.UTF_8));
  }

  @Test
  void aValidRecordIsStoredOnceAndItsReplayChangesNothing() {
    NodeRecord r = record(key, NET, now, 60_000);
    assertThat(RecordIntake.admit(book, RecordIntake.check(r.encode(), NET, now), now)).isEqualTo(NodeRecordBook.Outcome.STORED);
    assertThat(RecordIntake.admit(book, RecordIntake.check(r.encode(), NET, now), now)).isEqualTo(NodeRecordBook.Outcome.UNCHANGED);
    assertThat(book.get(key.id(), now)).contains(r);
  }

  @Test
  void anOlderRecordAfterANewerOneIsStale() {
    NodeRecord older = record(key, NET, now - 1_000, 60_000);
    NodeRecord newer = record(key, NET, now, 60_000);
    RecordIntake.admit(book, newer, now);
    Refusal r = refusal(older.encode());
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.code()).isEqualTo("stale");
    assertThat(book.get(key.id(), now)).contains(newer);
  }

  @Test
  void forgedRecordsAreRefusedAndNotStored() {
    ObjectNode tampered = record(key, NET, now, 60_000).toJson();
    tampered.putArray("addrs").add("127.0.0.1:1");
    assertThat(refusal(CanonicalJson.encode(tampered)).code()).isEqualTo("bad_signature");
    ObjectNode stolen = record(KeyPair.generate(rng), NET, now, 60_000).toJson();
    stolen.put("node_id", key.id().toString());
    Refusal r = refusal(CanonicalJson.encode(stolen));
    assertThat(r.status()).isEqualTo(403);
    ObjectNode garbageSig = record(key, NET, now, 60_000).toJson().put("signature", "zz");
    assertThat(refusal(CanonicalJson.encode(garbageSig)).code()).isEqualTo("bad_signature");
    assertThat(book.size()).isZero();
  }

  @Test
  void expiredFutureWrongNetworkOversizedAndMalformedRecordsHaveTheirOwnReasons() {
    assertThat(refusal(record(key, NET, now - 120_000, 60_000).encode())).extracting(Refusal::status, Refusal::code)
        .containsExactly(410, "expired");
    assertThat(refusal(record(key, NET, now + 3_600_000, 60_000).encode()).code()).isEqualTo("not_yet_valid");
    assertThat(refusal(record(key, "net:other", now, 60_000).encode())).extracting(Refusal::status, Refusal::code)
        .containsExactly(400, "wrong_network");
    byte[] big = new byte[NodeRecord.MAX_BYTES + 1];
    assertThat(refusal(big)).extracting(Refusal::status, Refusal::code).containsExactly(413, "too_large");
    for (String bad : List.of("", "{", "[]", "null", "{\"node_id\":\"nope\"}", "{\"node_id\":1}",
        "{\"node_id\":\"" + key.id() + "\",\"network_id\":\"" + NET + "\",\"addrs\":\"x\",\"issued_at_ms\":1,\"expires_at_ms\":2,\"signature\":\"00\"}")) {
      assertThat(refusal(bad.getBytes(StandardCharsets.UTF_8))).extracting(Refusal::status, Refusal::code)
          .containsExactly(400, "malformed");
    }
    assertThat(book.size()).isZero();
  }

  @Test
  void aRecordValidTooLongOrWithAWildcardAddressIsMalformed() {
    ObjectNode o = record(key, NET, now, 60_000).toJson();
    o.put("expires_at_ms", now + 48 * 3_600_000L);
    assertThat(refusal(CanonicalJson.encode(o))).extracting(Refusal::status, Refusal::code).containsExactly(400, "malformed");
    ObjectNode wildcard = record(key, NET, now, 60_000).toJson();
    wildcard.putArray("addrs").add("0.0.0.0:4001");
    assertThat(refusal(CanonicalJson.encode(wildcard))).extracting(Refusal::status, Refusal::code).containsExactly(400, "malformed");
  }

  @Test
  void randomByteFlipsNeverGetARecordStored() {
    long seed = new Random().nextLong();
    Random rand = new Random(seed);
    byte[] good = record(key, NET, now, 60_000).encode();
    for (int i = 0; i < 300; i++) {
      byte[] b = good.clone();
      int pos = rand.nextInt(b.length);
      byte flipped = (byte) (b[pos] ^ (1 + rand.nextInt(255)));
      b[pos] = flipped;
      try {
        NodeRecord r = RecordIntake.check(b, NET, now);
        // a flip that leaves a valid record must leave the same record (e.g. inside insignificant whitespace)
        assertThat(r).as("seed %d pos %d", seed, pos).isEqualTo(NodeRecord.decode(good));
      } catch (Refusal expected) {
        assertThat(expected.status()).as("seed %d", seed).isBetween(400, 499);
      }
    }
    assertThat(book.size()).isZero();
  }

  @Test
  void aFullBookKeepsTheLongerLivedRecords() {
    NodeRecordBook small = new NodeRecordBook(NET, 2);
    RecordIntake.admit(small, record(KeyPair.generate(rng), NET, now, 600_000), now);
    RecordIntake.admit(small, record(KeyPair.generate(rng), NET, now, 600_000), now);
    assertThatThrownBy(() -> RecordIntake.admit(small, record(KeyPair.generate(rng), NET, now, 1_000), now))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.code()).isEqualTo("store_full"));
    assertThat(small.size()).isEqualTo(2);
  }

  @Test
  void aSourceOverItsBudgetOfNewNodesIsRefusedButRenewalsAndForgeriesAreJudgedAsBefore() {
    var quota = new dev.wattswarm.node.network.NewNodeQuota(5, 60_000, 100);
    java.util.function.BooleanSupplier flooder = () -> quota.take("peer:flooder", now);
    List<KeyPair> fresh = new java.util.ArrayList<>();
    int refused = 0;
    for (int i = 0; i < 50; i++) {
      KeyPair k = KeyPair.generate(rng);
      try {
        RecordIntake.admit(book, record(k, NET, now, 600_000), now, flooder);
        fresh.add(k);
      } catch (Refusal r) {
        assertThat(r.code()).isEqualTo("source_quota");
        assertThat(r.status()).isEqualTo(429);
        refused++;
      }
    }
    assertThat(fresh).hasSize(5);
    assertThat(refused).isEqualTo(45);
    assertThat(book.size()).isEqualTo(5);
    // a renewal of a node already held costs nothing
    assertThat(RecordIntake.admit(book, record(fresh.get(0), NET, now + 1, 600_000), now + 1, flooder))
        .isEqualTo(NodeRecordBook.Outcome.STORED);
    // a forgery is still a forgery, not a budget matter
    ObjectNode forged = record(KeyPair.generate(rng), NET, now, 600_000).toJson();
    forged.putArray("addrs").add("127.0.0.1:1");
    assertThatThrownBy(() -> RecordIntake.admit(book, NodeRecord.fromJson(forged), now, flooder))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.code()).isEqualTo("bad_signature"));
    // another source is not held back by the flooder
    assertThat(RecordIntake.admit(book, record(KeyPair.generate(rng), NET, now, 600_000), now, () -> quota.take("peer:honest", now)))
        .isEqualTo(NodeRecordBook.Outcome.STORED);
  }

  @Test
  void greatCircleDistances() {
    var paris = new NodeRecord.Location(48.8566, 2.3522);
    var london = new NodeRecord.Location(51.5074, -0.1278);
    var newYork = new NodeRecord.Location(40.7128, -74.0060);
    assertThat(GreatCircle.km(paris, london)).isBetween(340.0, 346.0);
    assertThat(GreatCircle.km(paris, newYork)).isBetween(5830.0, 5840.0);
    assertThat(GreatCircle.km(paris, paris)).isZero();
    // across the antimeridian: two points 2 degrees of longitude apart, not 358
    assertThat(GreatCircle.km(new NodeRecord.Location(0, 179), new NodeRecord.Location(0, -179))).isBetween(222.0, 223.0);
    assertThatThrownBy(() -> GreatCircle.parse("48.8")).hasMessageContaining("lat,lon");
  }
}
