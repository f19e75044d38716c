package dev.wattswarm.economy.hive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.economy.EconomyException;
import dev.wattswarm.economy.EconomyException.Kind;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.social.SocialEventTypes;
import dev.wattswarm.kernel.store.EventFilter;
import dev.wattswarm.kernel.store.EventPage;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * A hive's messages: each a {@code TopicMessagePosted} (the event type DMs use) signed by the
 * posting node in the hive's group scope {@code group:hive-<id>}, kind messages, feed
 * {@code wattswarm.hive}, text in clear (hives are not private). Members receive them by gossip and,
 * after being away, by the group scope's backfill.
 *
 * <p>What a node shows is a function of the SET of events it holds, the same on every member:
 * messages that {@link #counts count}, ordered by (Lamport clock, event id). A message counts when
 * its payload is well formed and its author took part in the hive by the membership projection:
 * in now, or out by a leave whose clock is later than the message's (the author's clock is one
 * counter over all its scopes, so its messages after the leave are later). A node proven to have
 * forked its membership lane counts for nothing. A non-member's message can reach the log (anyone
 * may publish into a scope), but no member shows it.
 */
public final class HiveMessages {
  public static final String FEED = "wattswarm.hive";
  /** Largest text one message carries (UTF-8 bytes). */
  public static final int MAX_TEXT_BYTES = 4 * 1024;
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 1_000;

  private final Hives hives;

  public HiveMessages(Hives hives) {
    this.hives = hives;
  }

  public static Scope scope(String hive) {
    return Scope.of("group", Hives.groupId(hive));
  }

  /** Posts {@code text} to {@code hive} as this node: {@code {hive, from, text, clock, at_ms, event_id}}. */
  public ObjectNode post(String hive, String text) {
    Hives.checkId(hive);
    checkText(text);
    hives.show(hive); // unknown hive: NOT_FOUND
    if (!hives.isMember(hive)) {
      throw new EconomyException(Kind.CONFLICT, "id", "this node is not a member of hive " + hive + "; `hive join " + hive
          + "` joins it first");
    }
    Event e = hives.node().log().publish(scope(hive), EventKind.MESSAGES, SocialEventTypes.TOPIC_MESSAGE_POSTED, "",
        payload(hive, text));
    return row(e, text).put("hive", hive);
  }

  /** The last {@code limit} messages of {@code hive} that count, oldest first: {@code {hive, messages: [...]}}. */
  public ObjectNode list(String hive, int limit) {
    Hives.checkId(hive);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new EconomyException(Kind.BAD_INPUT, "limit", "limit " + limit + " is out of range: use 1-" + MAX_LIMIT);
    }
    hives.show(hive);
    Comparator<Event> order = Comparator.comparingLong(Event::clock).thenComparing(e -> e.id().hex());
    TreeSet<Event> last = new TreeSet<>(order);
    Map<String, JsonNode> entries = new HashMap<>();
    EventFilter f = new EventFilter(SocialEventTypes.TOPIC_MESSAGE_POSTED, "", scope(hive).toString());
    long cursor = 0;
    while (true) {
      EventPage page = hives.node().store().list(cursor, 1_000, f);
      for (Event e : page.events()) {
        String author = e.author().toString();
        JsonNode entry = entries.computeIfAbsent(author, a -> {
          JsonNode m = hives.memberEntry(hive, a);
          return m == null ? CanonicalJson.object() : m;
        });
        if (textOf(hive, e) == null || !counts(entry, e)) continue;
        last.add(e);
        if (last.size() > limit) last.pollFirst();
      }
      if (page.events().isEmpty() || page.nextCursor() <= cursor) break;
      cursor = page.nextCursor();
    }
    ObjectNode o = CanonicalJson.object().put("hive", hive);
    ArrayNode arr = o.putArray("messages");
    for (Event e : last) arr.add(row(e, textOf(hive, e)));
    return o;
  }

  /**
   * Whether a message counts, given its author's membership entry ({@code in}, {@code clock} of the
   * latest change, {@code forked}; empty when the author never took part).
   */
  static boolean counts(JsonNode entry, Event e) {
    if (entry == null || !entry.has("in") || entry.path("forked").asBoolean(false)) return false;
    return entry.path("in").asBoolean() || e.clock() < entry.path("clock").asLong(0);
  }

  static ObjectNode payload(String hive, String text) {
    return CanonicalJson.object().put("feed_key", FEED).put("hive", hive).put("text", text);
  }

  /** The text of a well-formed message of {@code hive}, or null: malformed ones are never shown. */
  static String textOf(String hive, Event e) {
    if (e.kind() != EventKind.MESSAGES || !SocialEventTypes.TOPIC_MESSAGE_POSTED.equals(e.type()) || !e.scope().equals(scope(hive))) {
      return null;
    }
    if (e.payload().length > MAX_TEXT_BYTES * 6 + 200) return null; // JSON escapes at most sextuple a byte
    JsonNode p;
    try {
      p = CanonicalJson.parse(e.payload());
    } catch (IllegalArgumentException malformed) {
      return null;
    }
    if (!p.isObject() || p.size() != 3 || !FEED.equals(p.path("feed_key").asText()) || !hive.equals(p.path("hive").asText())
        || !p.path("text").isTextual()) {
      return null;
    }
    String text = p.get("text").asText();
    return validText(text) == null ? text : null;
  }

  static void checkText(String text) {
    String why = validText(text);
    if (why != null) throw new EconomyException(Kind.BAD_INPUT, "text", why);
  }

  /** Why a text is refused, or null. */
  static String validText(String text) {
    if (text == null || text.isBlank()) return "the message text is empty";
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_TEXT_BYTES) return "the message is " + bytes + " bytes; a hive message carries at most " + MAX_TEXT_BYTES;
    return null;
  }

  private static ObjectNode row(Event e, String text) {
    return CanonicalJson.object().put("from", e.author().toString()).put("text", text).put("clock", e.clock())
        .put("at_ms", e.createdAtMs()).put("event_id", e.id().hex());
  }
}
