package dev.wattswarm.social.relationship;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.social.RelationshipAction;
import dev.wattswarm.kernel.social.RelationshipFold;
import dev.wattswarm.kernel.social.RelationshipView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The relationship actions that concern this node, by peer, and the views folded from them. Views
 * are recomputed from the whole set of a pair's actions, so they never depend on arrival order.
 *
 * <p>Bounded: at most {@link #MAX_PEERS} peers and {@link #MAX_ACTIONS} actions per pair are
 * kept; what a flood adds past that is counted and dropped (the events stay in the log). Thread
 * safe (one lock; folds are small).
 */
public final class RelationshipBook {
  public static final int MAX_PEERS = 10_000;
  public static final int MAX_ACTIONS = 1_000;

  private final NodeId me;
  private final Map<NodeId, Map<String, RelationshipAction>> byPeer = new HashMap<>();
  private final Map<NodeId, RelationshipView> views = new HashMap<>();
  private long dropped;

  public RelationshipBook(NodeId me) {
    this.me = me;
  }

  /** Takes a relationship event; returns the peer whose view changed, or null. */
  public synchronized NodeId add(Event e) {
    RelationshipAction a = RelationshipAction.of(e);
    if (a == null) return null;
    NodeId peer;
    if (a.author().equals(me)) peer = a.peer();
    else if (a.peer().equals(me)) peer = a.author();
    else return null; // between two other nodes: not ours to track
    Map<String, RelationshipAction> actions = byPeer.get(peer);
    if (actions == null) {
      if (byPeer.size() >= MAX_PEERS) {
        dropped++;
        return null;
      }
      actions = new LinkedHashMap<>();
      byPeer.put(peer, actions);
    }
    if (actions.containsKey(a.eventId())) return null;
    if (actions.size() >= MAX_ACTIONS) {
      dropped++;
      return null;
    }
    actions.put(a.eventId(), a);
    RelationshipView v = RelationshipFold.view(me, peer, actions.values());
    RelationshipView before = v == null ? views.remove(peer) : views.put(peer, v);
    return java.util.Objects.equals(before, v) ? null : peer;
  }

  public synchronized RelationshipView view(NodeId peer) {
    return views.get(peer);
  }

  /** Every pair with a state, most recently changed first. */
  public synchronized List<RelationshipView> views() {
    List<RelationshipView> out = new ArrayList<>(views.values());
    out.sort(java.util.Comparator.comparingLong(RelationshipView::updatedAtMs).reversed()
        .thenComparing(v -> v.peer().toString()));
    return out;
  }

  public synchronized long dropped() {
    return dropped;
  }
}
