package dev.wattswarm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.social.PairDigest;
import dev.wattswarm.kernel.social.RelationshipState;
import dev.wattswarm.kernel.store.EventFilter;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.network.Contact;
import dev.wattswarm.node.network.StartupConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.social.Social;
import dev.wattswarm.social.SocialException;
import dev.wattswarm.social.dm.DmRow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes over real TLS on loopback: two relate and exchange DMs, the third never holds a
 * plaintext (its store is searched byte for byte); a block stops DMs; a node that was away
 * recovers its DMs by backfill.
 */
@org.junit.jupiter.api.Timeout(300)
class SocialSwarmTest extends SocialNodes {
  @Test
  void twoRelatedNodesTalkInCiphertextAndTheThirdNeverHoldsThePlaintext() throws Exception {
    NodeHost a = start("a", "127.0.0.61", "network", null);
    NodeHost b = start("b", "127.0.0.62", "wan", contactOf(a));
    NodeHost c = start("c", "127.0.0.63", "wan", contactOf(a));

    assertThatThrownBy(() -> social(a).dms().send(id(b), "too early")).isInstanceOf(SocialException.class)
        .hasMessageContaining("no accepted relationship");
    social(a).relationships().act(id(b), "request", "hi from a");
    await().atMost(Duration.ofSeconds(30)).until(() -> state(b, a) == RelationshipState.PENDING_IN);
    assertThat(state(a, b)).isEqualTo(RelationshipState.PENDING_OUT);
    // the third node sees the request go by, but it is not a party: it can neither accept nor count
    await().atMost(Duration.ofSeconds(30)).until(() -> c.node().store().list(0, 1000,
        new EventFilter("relationship", "", "")).events().size() >= 1);
    assertThat(state(c, a)).isNull();
    assertThatThrownBy(() -> social(c).relationships().act(id(a), "accept", null)).isInstanceOf(SocialException.class);

    social(b).relationships().act(id(a), "accept", null);
    await().atMost(Duration.ofSeconds(30)).until(() -> state(a, b) == RelationshipState.ACCEPTED);
    // both sides published relationship_established
    await().atMost(Duration.ofSeconds(30)).until(() -> established(b).size() == 2 && established(a).size() == 2);

    String secret = "the eagle lands at " + new SecureRandom().nextLong();
    social(a).dms().send(id(b), secret);
    await().atMost(Duration.ofSeconds(60)).until(() -> texts(b, a).contains(secret));
    social(b).dms().send(id(a), "ack " + secret);
    await().atMost(Duration.ofSeconds(60)).until(() -> texts(a, b).contains("ack " + secret));

    // the log on both parties holds ciphertext only; the third node holds nothing of the thread
    for (NodeHost h : List.of(a, b)) {
      List<Event> dm = h.node().store().list(0, 1000, new EventFilter("TopicMessagePosted", "", "")).events();
      assertThat(dm).hasSize(2).allSatisfy(e -> {
        assertThat(e.scope()).isEqualTo(PairDigest.dmScope(id(a), id(b)));
        assertThat(e.kind().wire()).isEqualTo("messages");
        assertThat(e.payloadJson()).doesNotContain("eagle").contains("wattswarm.dm");
      });
    }
    assertThat(c.node().store().list(0, 1000, new EventFilter("TopicMessagePosted", "", "")).events()).isEmpty();
    assertThat(c.network().scopes()).doesNotContain(PairDigest.dmScope(id(a), id(b)));
    for (NodeHost h : List.of(a, b, c)) assertThat(storeBytes(tmp.resolve(name(h, a, b, c)))).doesNotContain("eagle");

    // a block closes the thread: what the blocked node sends no longer reaches b
    social(b).relationships().act(id(a), "block", null);
    assertThat(state(b, a)).isEqualTo(RelationshipState.BLOCKED);
    await().atMost(Duration.ofSeconds(30)).until(() -> state(a, b) != RelationshipState.ACCEPTED);
    assertThatThrownBy(() -> social(a).dms().send(id(b), "let me in")).isInstanceOf(SocialException.class);
  }

  @Test
  void aNodeThatWasAwayRecoversItsDmsByBackfill() throws Exception {
    NodeHost a = start("a", "127.0.0.64", "network", null);
    NodeHost b = start("b", "127.0.0.65", "wan", contactOf(a));
    social(a).relationships().act(id(b), "request", "");
    await().atMost(Duration.ofSeconds(30)).until(() -> state(b, a) == RelationshipState.PENDING_IN);
    social(b).relationships().act(id(a), "accept", null);
    await().atMost(Duration.ofSeconds(30)).until(() -> state(a, b) == RelationshipState.ACCEPTED);
    social(a).dms().send(id(b), "before the nap");
    await().atMost(Duration.ofSeconds(60)).until(() -> texts(b, a).contains("before the nap"));

    NodeId bId = id(b);
    b.close();
    hosts.remove(b);
    for (int i = 0; i < 3; i++) social(a).dms().send(bId, "while away " + i);
    NodeHost b2 = start("b", "127.0.0.65", "wan", contactOf(a));
    await().atMost(Duration.ofSeconds(90)).until(() -> texts(b2, a).containsAll(List.of("while away 0", "while away 1", "while away 2")));
    assertThat(texts(b2, a)).containsExactly("before the nap", "while away 0", "while away 1", "while away 2");
  }
}
