package dev.wattswarm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.economy.hive.HiveMessages;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.social.SocialEventTypes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A hive's messages over real TLS between three nodes: both members show the same list in the same
 * order; a member that was stopped while a message was posted gets it by backfill after restarting;
 * a non-member that joins the hive's group scope behind the hive's back and publishes into it has
 * its message refused at intake by every member (counted, never stored), and shown by none.
 */
@org.junit.jupiter.api.Timeout(300)
class HiveChatSwarmTest extends SocialNodes {
  static JsonNode messages(NodeHost h) {
    return h.economy().hives().messages().list("lab", 100).path("messages");
  }

  static List<String> texts(NodeHost h) {
    List<String> out = new ArrayList<>();
    for (JsonNode m : messages(h)) out.add(m.path("text").asText());
    return out;
  }

  @Test
  void membersShowTheSameMessagesAndANonMembersNone() throws Exception {
    NodeHost a = start("a", "127.0.0.94", "network", null);
    NodeHost b = start("b", "127.0.0.95", "wan", contactOf(a));
    NodeHost c = start("c", "127.0.0.96", "wan", contactOf(a));
    List<NodeHost> all = List.of(a, b, c);
    a.economy().hives().create("lab", "measurements");
    await().atMost(Duration.ofSeconds(60)).until(() -> all.stream().allMatch(h -> h.economy().hives().list().path("hives").size() == 1));
    b.economy().hives().join("lab");
    for (NodeHost h : all) await().atMost(Duration.ofSeconds(60)).until(() -> h.economy().hives().memberIds("lab").size() == 2);

    a.economy().hives().messages().post("lab", "hello from a");
    b.economy().hives().messages().post("lab", "hi from b");
    for (NodeHost h : List.of(a, b)) await().atMost(Duration.ofSeconds(60)).until(() -> texts(h).size() == 2);
    assertThat(messages(a)).isEqualTo(messages(b));
    assertThat(texts(a)).containsExactlyInAnyOrder("hello from a", "hi from b");
    assertThatThrownBy(() -> c.economy().hives().messages().post("lab", "me too")).hasMessageContaining("not a member of hive lab");
    assertThatThrownBy(() -> a.economy().hives().messages().post("lab", "x".repeat(HiveMessages.MAX_TEXT_BYTES + 1)))
        .hasMessageContaining("at most 4096");

    // b is away while a posts; on restart the group scope's backfill brings the message
    b.close();
    a.economy().hives().messages().post("lab", "while you were away");
    NodeHost b2 = start("b", "127.0.0.95", "wan", contactOf(a));
    await().atMost(Duration.ofSeconds(90)).until(() -> texts(b2).contains("while you were away"));
    assertThat(messages(b2)).isEqualTo(messages(a));
    assertThat(texts(b2).get(2)).isEqualTo("while you were away");

    // c lies: it subscribes to the hive's scope without joining the hive and publishes into it
    c.network().joinGroup("hive-lab");
    Event lie = c.node().log().publish(HiveMessages.scope("lab"), EventKind.MESSAGES, SocialEventTypes.TOPIC_MESSAGE_POSTED, "",
        CanonicalJson.object().put("feed_key", HiveMessages.FEED).put("hive", "lab").put("text", "I am a member, trust me"));
    a.economy().hives().messages().post("lab", "after the lie");
    for (NodeHost h : List.of(a, b2)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> h.network().sync().counters().getOrDefault("rejected_events.hive_not_member", 0L) >= 1
          && texts(h).contains("after the lie"));
      assertThat(h.node().store().contains(lie.id())).as("a member never stores a non-member's message").isFalse();
      assertThat(texts(h)).doesNotContain("I am a member, trust me").hasSize(4);
    }
    assertThat(messages(a)).isEqualTo(messages(b2));
  }
}
