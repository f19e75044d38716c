package dev.wattswarm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.social.PairDigest;
import dev.wattswarm.kernel.social.RelationshipState;
import dev.wattswarm.kernel.social.SocialEventTypes;
import dev.wattswarm.kernel.store.EventFilter;
import dev.wattswarm.social.dm.DmPayload;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Nodes that lie, over real TLS: a forged accept, a third node that subscribes to someone else's
 * thread, a party that replays its own ciphertext or sends an oversized one, a blocked sender.
 */
@org.junit.jupiter.api.Timeout(300)
class SocialAdversaryTest extends SocialNodes {

  @Test
  void nobodyCanAcceptForAnotherNodeOrEavesdropOnAThread() throws Exception {
    NodeHost a = start("a", "127.0.0.71", "network", null);
    NodeHost b = start("b", "127.0.0.72", "wan", contactOf(a));
    NodeHost c = start("c", "127.0.0.73", "wan", contactOf(a));
    social(a).relationships().act(id(b), "request", "");
    await().atMost(Duration.ofSeconds(30)).until(() -> state(c, a) == null && c.node().store()
        .list(0, 100, new EventFilter(SocialEventTypes.REQUESTED, "", "")).events().size() == 1);
    // c "accepts" a's request to b in its own name, and an accept nobody asked it for
    c.node().log().publish(dev.wattswarm.kernel.event.Scope.GLOBAL, EventKind.EVENTS, SocialEventTypes.ESTABLISHED, "",
        CanonicalJson.object().put("peer", id(a).toString()).put("on_behalf_of", id(b).toString()));
    Event forged = c.node().log().publish(dev.wattswarm.kernel.event.Scope.GLOBAL, EventKind.EVENTS,
        SocialEventTypes.ESTABLISHED, "", CanonicalJson.object().put("peer", id(b).toString()));
    await().atMost(Duration.ofSeconds(30)).until(() -> a.node().store().contains(forged.id()) && b.node().store().contains(forged.id()));
    assertThat(state(a, b)).isEqualTo(RelationshipState.PENDING_OUT);
    assertThat(state(a, c)).isNull();
    assertThat(state(b, c)).isNull();

    social(b).relationships().act(id(a), "accept", null);
    await().atMost(Duration.ofSeconds(30)).until(() -> state(a, b) == RelationshipState.ACCEPTED);
    // c joins the pair's thread by hand, as a modified node could: no party takes it into the tree or serves it
    var thread = PairDigest.dmScope(id(a), id(b));
    c.network().substrate().topicPeerFilter((topic, peer) -> true); // a modified node keeps no one out
    c.network().sync().join(thread, java.util.EnumSet.of(EventKind.MESSAGES));
    social(a).dms().send(id(b), "for b only");
    await().atMost(Duration.ofSeconds(60)).until(() -> texts(b, a).contains("for b only"));
    // c's own post into the thread is refused by both parties
    Event intruder = c.node().log().publish(thread, EventKind.MESSAGES, SocialEventTypes.TOPIC_MESSAGE_POSTED, "",
        CanonicalJson.object().put("feed_key", "wattswarm.dm").put("to", id(b).toString()).put("salt", "00").put("ciphertext", ""));
    social(a).dms().send(id(b), "second");
    await().atMost(Duration.ofSeconds(60)).until(() -> texts(b, a).contains("second"));
    assertThat(b.node().store().contains(intruder.id())).isFalse();
    assertThat(c.node().store().list(0, 100, new EventFilter("", "", thread.toString())).events())
        .allSatisfy(e -> assertThat(e.author()).isEqualTo(id(c)));
    String topic = dev.wattswarm.node.p2p.Topics.of(a.node().networkId(), thread, EventKind.MESSAGES);
    assertThat(a.network().substrate().peersFor(topic)).doesNotContain(id(c));
    assertThat(b.network().substrate().peersFor(topic)).doesNotContain(id(c));
  }

  @Test
  void replayedOversizedAndBlockedDmsAreRefused() throws Exception {
    NodeHost a = start("a", "127.0.0.74", "network", null);
    NodeHost b = start("b", "127.0.0.75", "wan", contactOf(a));
    social(a).relationships().act(id(b), "request", "");
    await().atMost(Duration.ofSeconds(30)).until(() -> state(b, a) == RelationshipState.PENDING_IN);
    social(b).relationships().act(id(a), "accept", null);
    await().atMost(Duration.ofSeconds(30)).until(() -> state(a, b) == RelationshipState.ACCEPTED);
    social(a).dms().send(id(b), "original");
    await().atMost(Duration.ofSeconds(60)).until(() -> texts(b, a).contains("original"));
    var thread = PairDigest.dmScope(id(a), id(b));
    Event original = a.node().store().list(0, 10, new EventFilter(SocialEventTypes.TOPIC_MESSAGE_POSTED, "", "")).events().get(0);
    // the same event again (a relay replaying it) is a duplicate: stored and shown once
    assertThat(b.node().log().ingest(original)).isEqualTo(dev.wattswarm.kernel.store.AppendOutcome.DUPLICATE);

    // a re-signs the same ciphertext at its next lane position: the sequence is bound, so it does not open
    a.node().log().publish(thread, EventKind.MESSAGES, SocialEventTypes.TOPIC_MESSAGE_POSTED, "", CanonicalJson.parse(original.payload()));
    ObjectNode big = (ObjectNode) CanonicalJson.parse(original.payload());
    big.put("ciphertext", Base64.getEncoder().encodeToString(new byte[DmPayload.MAX_CIPHERTEXT_BYTES + 100]));
    a.node().log().publish(thread, EventKind.MESSAGES, SocialEventTypes.TOPIC_MESSAGE_POSTED, "", big);
    await().atMost(Duration.ofSeconds(60)).until(() -> refused(b, "dm_undecryptable") > 0 && refused(b, "dm_oversized") > 0);
    assertThat(texts(b, a)).containsExactly("original");
    assertThat(b.node().store().list(0, 100, new EventFilter("", "", thread.toString())).events()).hasSize(1);

    // once b blocks a, a's posts in the thread are refused as from a blocked peer
    social(b).relationships().act(id(a), "block", null);
    Event late = a.node().log().publish(thread, EventKind.MESSAGES, SocialEventTypes.TOPIC_MESSAGE_POSTED, "", CanonicalJson.parse(original.payload()));
    assertThat(social(b).dms().refuse(late)).isEqualTo("dm_blocked");
    assertThat(b.network().scopes()).doesNotContain(thread);
    assertThat(social(b).dms().mayServe(id(a), thread)).isFalse();
  }

  static long refused(NodeHost h, String reason) {
    return h.network().sync().counters().getOrDefault("rejected_events." + reason, 0L);
  }
}
