package dev.wattswarm.node.p2p;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.identity.NodeId;

/**
 * What a layer above sync decides about scopes it owns: which peers may be served a scope's lanes
 * by backfill, and which received events (gossiped or backfilled, already verified) are refused
 * before they reach the log. Private scopes such as a DM thread are served only to their parties,
 * and a thread refuses events from anyone but its parties. Called from sync's threads; must be
 * cheap and thread safe.
 */
public interface SyncPolicy {
  SyncPolicy OPEN = new SyncPolicy() {};

  /** Whether {@code peer} (TLS-proven) may fetch lanes of {@code scope} from us. */
  default boolean mayServe(NodeId peer, Scope scope) {
    return true;
  }

  /** A refusal reason (counted as {@code rejected_events.<reason>}), or null to take the event. */
  default String refuse(Event e) {
    return null;
  }

  /** {@code current} with {@code more} added: what {@code EventSync.addPolicy} holds after the call. */
  static SyncPolicy add(SyncPolicy current, SyncPolicy more) {
    return current == OPEN ? more : both(current, more);
  }

  /**
   * Both policies: served only when both allow, refused with the first refusal. Lets layers that
   * own different scopes (DM threads, hives) each keep their own policy on one sync.
   */
  static SyncPolicy both(SyncPolicy first, SyncPolicy second) {
    return new SyncPolicy() {
      @Override
      public boolean mayServe(NodeId peer, Scope scope) {
        return first.mayServe(peer, scope) && second.mayServe(peer, scope);
      }

      @Override
      public String refuse(Event e) {
        String r = first.refuse(e);
        return r != null ? r : second.refuse(e);
      }
    };
  }
}
