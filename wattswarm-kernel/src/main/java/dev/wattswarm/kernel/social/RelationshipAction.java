package dev.wattswarm.kernel.social;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.identity.NodeId;
import java.util.Comparator;

/**
 * One signed relationship event, reduced to what the fold needs. The author is the event's signer,
 * so nobody can act for another node; {@code peer} is whom the action concerns.
 *
 * @param clock the event's Lamport clock: strictly increasing along each author's events, so
 *     ordering by it respects lane order, and it orders an action after everything its author saw
 * @param card the author's contact card if the event carries a valid one, else null
 */
public record RelationshipAction(String eventId, NodeId author, NodeId peer, String type, long clock, long atMs,
    String note, ContactCard card) {

  /** The deterministic total order the fold runs in: clock, then author, then event id. */
  public static final Comparator<RelationshipAction> ORDER = Comparator.comparingLong(RelationshipAction::clock)
      .thenComparing(a -> a.author().toString()).thenComparing(RelationshipAction::eventId);

  /**
   * The action an event records, or null when it is not a well-formed relationship event (unknown
   * type, no or bad {@code peer}, addressed to its own author). A card that does not verify for
   * the author on {@code networkId} is dropped, not trusted.
   */
  public static RelationshipAction of(Event e) {
    if (!SocialEventTypes.RELATIONSHIP.contains(e.type())) return null;
    com.fasterxml.jackson.databind.JsonNode p;
    NodeId peer;
    try {
      p = dev.wattswarm.kernel.json.CanonicalJson.parse(e.payload());
      peer = NodeId.parse(p.path("peer").asText(""));
    } catch (IllegalArgumentException bad) {
      return null;
    }
    if (peer.equals(e.author())) return null;
    ContactCard card = ContactCard.fromJson(p.get("contact"));
    if (card != null && !card.verifies(e.networkId(), e.author())) card = null;
    String note = p.path("note").isTextual() ? p.get("note").asText() : "";
    return new RelationshipAction(e.id().hex(), e.author(), peer, e.type(), e.clock(), e.createdAtMs(), note, card);
  }
}
