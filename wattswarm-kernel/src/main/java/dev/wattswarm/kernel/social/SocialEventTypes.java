package dev.wattswarm.kernel.social;

import java.util.Set;

/**
 * Event types of relationships and direct messages (seed 000). Relationship actions travel in the
 * global scope (kind events) so the addressee hears of a request from a stranger; each names the
 * other party in {@code peer}. A DM is a {@link #TOPIC_MESSAGE_POSTED} in the pair's private
 * {@code group:dm-<digest>} scope, kind messages, carrying ciphertext only.
 */
public final class SocialEventTypes {
  private SocialEventTypes() {}

  /** Asks {@code peer} for a relationship; carries the requester's contact card and an optional note. */
  public static final String REQUESTED = "relationship.requested";
  /**
   * The addressee accepts a pending request (carrying its contact card); the requester, seeing it,
   * publishes its own as confirmation, so both logs hold one from each side.
   */
  public static final String ESTABLISHED = "relationship_established";
  public static final String REJECTED = "relationship.rejected";
  public static final String BLOCKED = "relationship.blocked";
  public static final String UNBLOCKED = "relationship.unblocked";
  public static final String REMOVED = "relationship.removed";
  /** A message on a topic feed; for DMs the feed is {@code wattswarm.dm} and the text is sealed. */
  public static final String TOPIC_MESSAGE_POSTED = "TopicMessagePosted";

  /** Every relationship type starts with this, so one prefix query lists them. */
  public static final String RELATIONSHIP_PREFIX = "relationship";

  public static final Set<String> RELATIONSHIP = Set.of(REQUESTED, ESTABLISHED, REJECTED, BLOCKED, UNBLOCKED, REMOVED);

  public static final Set<String> ALL = Set.of(REQUESTED, ESTABLISHED, REJECTED, BLOCKED, UNBLOCKED, REMOVED,
      TOPIC_MESSAGE_POSTED);
}
