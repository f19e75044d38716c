package dev.wattswarm.economy.hive;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.social.SocialEventTypes;
import dev.wattswarm.node.p2p.SyncPolicy;

/**
 * What a node takes into a hive's scope {@code group:hive-<id>} from the network: a message only
 * when it would count ({@link HiveMessages#counts}), so a non-member's messages are never stored or
 * relayed by a member, and its lane in the hive scope stops at its first refused message (a lane
 * has no holes). A member's message that arrives before its join is refused for now and fetched
 * again by the next anti-entropy round, once the join is known. Our own events are always taken
 * back (backfilled after losing them). Other event types in the scope are not this policy's to judge.
 */
public final class HiveIntake implements SyncPolicy {
  private final Hives hives;

  public HiveIntake(Hives hives) {
    this.hives = hives;
  }

  @Override
  public String refuse(Event e) {
    if (e.scope().kind() != Scope.Kind.GROUP || !e.scope().id().startsWith("hive-")) return null;
    if (!SocialEventTypes.TOPIC_MESSAGE_POSTED.equals(e.type()) || e.author().equals(hives.node().nodeId())) return null;
    String hive = e.scope().id().substring("hive-".length());
    if (!HiveEvents.validId(hive) || HiveMessages.textOf(hive, e) == null) return "hive_message_malformed";
    JsonNode entry = hives.memberEntry(hive, e.author().toString());
    return HiveMessages.counts(entry, e) ? null : "hive_not_member";
  }
}
