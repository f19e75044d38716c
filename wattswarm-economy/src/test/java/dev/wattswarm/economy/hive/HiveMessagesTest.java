package dev.wattswarm.economy.hive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventSigner;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.social.SocialEventTypes;
import dev.wattswarm.testkit.TestEvents;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which hive messages count: well-formed ones by a node that is in the hive, or that left it later
 * (by its own clock) than it posted; never a non-member's, a forker's, or a malformed payload.
 */
class HiveMessagesTest {
  final HiveProjectorTest.Docs docs = new HiveProjectorTest.Docs();
  final EventSigner a = TestEvents.signer(1);
  final EventSigner b = TestEvents.signer(2);
  final EventSigner stranger = TestEvents.signer(3);

  Event hive(EventSigner s, String type) {
    var p = CanonicalJson.object().put("hive", "h");
    if (type.equals(HiveEvents.CREATED)) p.put("topic", "t");
    Event e = s.sign(Scope.GLOBAL, EventKind.MESSAGES, type, "", p);
    docs.deliver(e);
    return e;
  }

  static Event post(EventSigner s, String text) {
    return s.sign(HiveMessages.scope("h"), EventKind.MESSAGES, SocialEventTypes.TOPIC_MESSAGE_POSTED, "", HiveMessages.payload("h", text));
  }

  JsonNode entry(EventSigner s) {
    JsonNode m = docs.hive("h").path("members").get(s.key().id().toString());
    return m == null ? CanonicalJson.object() : m;
  }

  @Test
  void membersCountStrangersDoNot() {
    hive(a, HiveEvents.CREATED);
    Event byA = post(a, "hello");
    Event byStranger = post(stranger, "let me in");
    assertThat(HiveMessages.textOf("h", byA)).isEqualTo("hello");
    assertThat(HiveMessages.counts(entry(a), byA)).isTrue();
    assertThat(HiveMessages.counts(entry(stranger), byStranger)).isFalse();
  }

  @Test
  void aMessageBeforeTheLeaveCountsOneAfterDoesNot() {
    hive(a, HiveEvents.CREATED);
    hive(b, HiveEvents.JOINED);
    Event before = post(b, "bye soon");
    hive(b, HiveEvents.LEFT);
    Event after = post(b, "still here?");
    assertThat(HiveMessages.counts(entry(b), before)).isTrue();
    assertThat(HiveMessages.counts(entry(b), after)).isFalse();
  }

  @Test
  void aForkerCountsForNothing() {
    hive(a, HiveEvents.CREATED);
    Event m = post(a, "x");
    assertThat(HiveMessages.counts(((com.fasterxml.jackson.databind.node.ObjectNode) entry(a)).deepCopy().put("forked", true), m)).isFalse();
    assertThat(HiveMessages.counts(null, m)).isFalse();
  }

  @Test
  void malformedWrongHiveWrongScopeOrOversizedMessagesAreNeverShown() {
    String big = "x".repeat(HiveMessages.MAX_TEXT_BYTES + 1);
    List<Event> bad = List.of(
        a.sign(HiveMessages.scope("h"), EventKind.MESSAGES, SocialEventTypes.TOPIC_MESSAGE_POSTED, "", HiveMessages.payload("other", "x")),
        a.sign(HiveMessages.scope("h"), EventKind.MESSAGES, SocialEventTypes.TOPIC_MESSAGE_POSTED, "",
            HiveMessages.payload("h", "x").put("extra", 1)),
        a.sign(HiveMessages.scope("h"), EventKind.MESSAGES, SocialEventTypes.TOPIC_MESSAGE_POSTED, "",
            CanonicalJson.object().put("feed_key", "wattswarm.dm").put("hive", "h").put("text", "x")),
        a.sign(HiveMessages.scope("h"), EventKind.MESSAGES, SocialEventTypes.TOPIC_MESSAGE_POSTED, "", HiveMessages.payload("h", big)),
        a.sign(HiveMessages.scope("h"), EventKind.MESSAGES, SocialEventTypes.TOPIC_MESSAGE_POSTED, "", HiveMessages.payload("h", "  ")),
        a.sign(HiveMessages.scope("h"), EventKind.EVENTS, SocialEventTypes.TOPIC_MESSAGE_POSTED, "", HiveMessages.payload("h", "x")),
        a.sign(Scope.GLOBAL, EventKind.MESSAGES, SocialEventTypes.TOPIC_MESSAGE_POSTED, "", HiveMessages.payload("h", "x")),
        a.sign(HiveMessages.scope("h"), EventKind.MESSAGES, "hive.message", "", HiveMessages.payload("h", "x")));
    for (Event e : bad) assertThat(HiveMessages.textOf("h", e)).as(e.payloadJson()).isNull();
    assertThat(HiveMessages.validText(big)).contains("4097 bytes").contains("at most 4096");
    assertThat(HiveMessages.textOf("h", post(a, "é".repeat(2048)))).hasSize(2048);
  }
}
