package dev.wattswarm.social.relationship;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.social.ContactCard;
import dev.wattswarm.kernel.social.RelationshipState;
import dev.wattswarm.kernel.social.RelationshipView;
import dev.wattswarm.kernel.social.SocialEventTypes;
import dev.wattswarm.kernel.store.EventFilter;
import dev.wattswarm.kernel.store.EventPage;
import dev.wattswarm.node.log.NodeLog;
import dev.wattswarm.social.SocialException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * This node's side of its relationships: the six actions, published as signed events in the
 * global scope, and the views folded from every relationship event that concerns it. Listeners
 * hear of every pair whose view changed (the DM layer opens and closes threads on that).
 *
 * <p>When a peer accepts our request, we answer with our own {@code relationship_established}
 * (carrying our contact card again), so both logs hold the handshake from both sides.
 */
public final class Relationships implements AutoCloseable {
  public static final int MAX_NOTE_BYTES = 1_024;

  private final NodeLog log;
  private final NodeId me;
  private final ContactCard card;
  private final RelationshipBook book;
  private final List<Consumer<RelationshipView>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Consumer<Event> onCommit = this::onCommitted;

  /** Loads every relationship event of the log, then follows new ones. */
  public Relationships(NodeLog log, ContactCard card) {
    this.log = log;
    this.me = log.nodeId();
    this.card = card;
    this.book = new RelationshipBook(me);
    log.subscribe(onCommit);
    EventFilter f = new EventFilter(SocialEventTypes.RELATIONSHIP_PREFIX, "", Scope.GLOBAL.toString());
    long cursor = 0;
    while (true) {
      EventPage page = log.store().list(cursor, 1_000, f);
      for (Event e : page.events()) book.add(e);
      if (page.events().isEmpty() || page.nextCursor() <= cursor) break;
      cursor = page.nextCursor();
    }
  }

  public void addListener(Consumer<RelationshipView> l) {
    listeners.add(l);
  }

  public RelationshipView view(NodeId peer) {
    return book.view(peer);
  }

  public List<RelationshipView> views() {
    return book.views();
  }

  public ContactCard card() {
    return card;
  }

  public long dropped() {
    return book.dropped();
  }

  /**
   * Runs an operator action on the relationship with {@code peer}.
   *
   * @param action request, accept, reject, block, unblock or remove
   * @throws SocialException BAD_INPUT for an unknown action or bad note, REFUSED when the
   *     relationship's state does not allow it (the message names the state and what to do)
   */
  public RelationshipView act(NodeId peer, String action, String note) {
    if (peer.equals(me)) throw new SocialException(SocialException.Kind.BAD_INPUT, "a node cannot relate to itself");
    RelationshipView v = book.view(peer);
    RelationshipState st = v == null ? null : v.state();
    String type = switch (action == null ? "" : action) {
      case "request" -> {
        if (st == RelationshipState.BLOCKED) throw refused(peer, st, "unblock it first (`relationship unblock`)");
        if (st == RelationshipState.ACCEPTED || st == RelationshipState.PENDING_OUT) throw refused(peer, st, "nothing to request");
        yield SocialEventTypes.REQUESTED;
      }
      case "accept" -> {
        if (st != RelationshipState.PENDING_IN) throw refused(peer, st, "only a pending request from it can be accepted");
        yield SocialEventTypes.ESTABLISHED;
      }
      case "reject" -> {
        if (st != RelationshipState.PENDING_IN) throw refused(peer, st, "only a pending request from it can be rejected");
        yield SocialEventTypes.REJECTED;
      }
      case "block" -> {
        if (st == RelationshipState.BLOCKED) throw refused(peer, st, "it is blocked already");
        yield SocialEventTypes.BLOCKED;
      }
      case "unblock" -> {
        if (st != RelationshipState.BLOCKED) throw refused(peer, st, "only a blocked node can be unblocked");
        yield SocialEventTypes.UNBLOCKED;
      }
      case "remove" -> {
        if (st != RelationshipState.ACCEPTED && st != RelationshipState.PENDING_OUT && st != RelationshipState.PENDING_IN) {
          throw refused(peer, st, "only an accepted or pending relationship can be removed");
        }
        yield SocialEventTypes.REMOVED;
      }
      default -> throw new SocialException(SocialException.Kind.BAD_INPUT,
          "action '" + action + "' must be one of request, accept, reject, block, unblock, remove");
    };
    ObjectNode p = CanonicalJson.object().put("peer", peer.toString());
    if (type.equals(SocialEventTypes.REQUESTED)) {
      String n = note == null ? "" : note;
      if (n.getBytes(StandardCharsets.UTF_8).length > MAX_NOTE_BYTES) {
        throw new SocialException(SocialException.Kind.BAD_INPUT, "note is over " + MAX_NOTE_BYTES + " bytes; shorten it");
      }
      p.put("note", n);
    }
    if (type.equals(SocialEventTypes.REQUESTED) || type.equals(SocialEventTypes.ESTABLISHED)) p.set("contact", card.toJson());
    Event e = log.publish(Scope.GLOBAL, EventKind.EVENTS, type, "", p);
    taken(e); // now, not when the dispatcher gets to it: the caller reads the new state next
    RelationshipView after = book.view(peer);
    return after;
  }

  private static SocialException refused(NodeId peer, RelationshipState st, String why) {
    return new SocialException(SocialException.Kind.REFUSED, "relationship with " + peer + " is "
        + (st == null ? "none" : st.wire()) + ": " + why);
  }

  private void onCommitted(Event e) {
    if (SocialEventTypes.RELATIONSHIP.contains(e.type())) taken(e);
  }

  /** Peers whose confirmation is being published; it is async, as this may run on the log's dispatch thread. */
  private final java.util.Set<NodeId> confirming = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private synchronized void taken(Event e) {
    NodeId changed = book.add(e);
    if (changed == null) return;
    RelationshipView v = book.view(changed);
    if (v != null && v.owesConfirmation()) {
      if (confirming.add(changed)) {
        log.publishAsync(Scope.GLOBAL, EventKind.EVENTS, SocialEventTypes.ESTABLISHED, "",
            CanonicalJson.object().put("peer", changed.toString()).set("contact", card.toJson()))
            .whenComplete((ev, err) -> {
              if (ev != null) book.add(ev); // before the flag drops, so no second confirmation slips through
              confirming.remove(changed);
            });
      }
    }
    for (Consumer<RelationshipView> l : listeners) l.accept(v);
  }

  @Override
  public void close() {
    log.unsubscribe(onCommit);
  }
}
