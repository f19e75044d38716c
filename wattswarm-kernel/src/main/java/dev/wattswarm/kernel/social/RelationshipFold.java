package dev.wattswarm.kernel.social;

import dev.wattswarm.kernel.identity.NodeId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pair's relationship as a pure function of the SET of its signed actions: duplicates collapse
 * by event id, and the actions run in {@link RelationshipAction#ORDER} (Lamport clock, author,
 * id), a total order every node computes alike whatever order the events arrived in.
 *
 * <p>Rules: a request opens a pending request unless either side blocks the other or they are
 * already related; only the addressee of a pending request can accept or reject it (an accept
 * nobody asked for changes nothing, so no one can force a relationship); block by either side
 * ends everything and only its author can lift it; remove by either side ends an accepted or
 * pending relationship. The acting party's contact card is taken from its request or acceptance.
 */
public final class RelationshipFold {
  private RelationshipFold() {}

  /** {@code me}'s view of the pair {@code (me, peer)}, or null when no action between them counts. */
  public static RelationshipView view(NodeId me, NodeId peer, Collection<RelationshipAction> actions) {
    Map<String, RelationshipAction> unique = new LinkedHashMap<>();
    for (RelationshipAction a : actions) {
      boolean pair = (a.author().equals(me) && a.peer().equals(peer)) || (a.author().equals(peer) && a.peer().equals(me));
      if (pair) unique.putIfAbsent(a.eventId(), a);
    }
    List<RelationshipAction> sorted = new ArrayList<>(unique.values());
    sorted.sort(RelationshipAction.ORDER);
    Pair s = new Pair(me);
    for (RelationshipAction a : sorted) s.apply(a);
    return s.view(peer);
  }

  /** The running state of one pair while folding. */
  private static final class Pair {
    final NodeId me;
    NodeId pendingFrom;
    boolean accepted;
    boolean blockedByMe;
    boolean blockedByPeer;
    RelationshipState outcome;
    long updatedAt;
    boolean touched;
    String note = "";
    ContactCard peerCard;
    NodeId acceptedBy;
    boolean confirmedByMe;

    Pair(NodeId me) {
      this.me = me;
    }

    boolean blockedBy(NodeId x) {
      return x.equals(me) ? blockedByMe : blockedByPeer;
    }

    void apply(RelationshipAction a) {
      NodeId x = a.author();
      NodeId y = a.peer();
      boolean changed = switch (a.type()) {
        case SocialEventTypes.REQUESTED -> {
          if (blockedBy(x) || blockedBy(y) || accepted) yield false;
          pendingFrom = x;
          note = a.note();
          outcome = null;
          card(a);
          yield true;
        }
        case SocialEventTypes.ESTABLISHED -> {
          if (blockedByMe || blockedByPeer) yield false;
          if (accepted) {
            card(a);
            if (x.equals(me) && !x.equals(acceptedBy)) confirmedByMe = true;
            yield false;
          }
          if (!y.equals(pendingFrom)) yield false; // nobody asked x: an unsolicited accept counts for nothing
          accepted = true;
          acceptedBy = x;
          confirmedByMe = false;
          pendingFrom = null;
          card(a);
          yield true;
        }
        case SocialEventTypes.REJECTED -> {
          if (!y.equals(pendingFrom)) yield false;
          pendingFrom = null;
          outcome = RelationshipState.REJECTED;
          yield true;
        }
        case SocialEventTypes.BLOCKED -> {
          if (blockedBy(x)) yield false;
          if (x.equals(me)) blockedByMe = true;
          else blockedByPeer = true;
          accepted = false;
          pendingFrom = null;
          outcome = RelationshipState.REMOVED;
          yield true;
        }
        case SocialEventTypes.UNBLOCKED -> {
          if (!blockedBy(x)) yield false;
          if (x.equals(me)) blockedByMe = false;
          else blockedByPeer = false;
          outcome = RelationshipState.REMOVED;
          yield true;
        }
        case SocialEventTypes.REMOVED -> {
          if (!accepted && pendingFrom == null) yield false;
          accepted = false;
          pendingFrom = null;
          outcome = RelationshipState.REMOVED;
          yield true;
        }
        default -> false;
      };
      if (changed) {
        updatedAt = a.atMs();
        touched = true;
      }
    }

    void card(RelationshipAction a) {
      if (!a.author().equals(me) && a.card() != null) peerCard = a.card();
    }

    RelationshipView view(NodeId peer) {
      if (!touched) return null;
      RelationshipState st;
      if (blockedByMe) st = RelationshipState.BLOCKED;
      else if (accepted) st = RelationshipState.ACCEPTED;
      else if (pendingFrom != null) st = pendingFrom.equals(me) ? RelationshipState.PENDING_OUT : RelationshipState.PENDING_IN;
      else st = outcome == null ? RelationshipState.REMOVED : outcome;
      boolean owes = accepted && acceptedBy != null && !acceptedBy.equals(me) && !confirmedByMe;
      return new RelationshipView(peer, st, updatedAt, note, peerCard, owes);
    }
  }
}
