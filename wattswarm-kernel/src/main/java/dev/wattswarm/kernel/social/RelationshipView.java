package dev.wattswarm.kernel.social;

import dev.wattswarm.kernel.identity.NodeId;

/**
 * The fold's answer for one pair, from {@code me}'s side.
 *
 * @param updatedAtMs creation time of the last action that changed the state
 * @param note the note of the request that is (or was last) pending
 * @param peerCard the peer's contact card, once it sent a valid one in a request or acceptance
 * @param owesConfirmation accepted by the peer in answer to my request, and I have not yet
 *     published my own {@code relationship_established}
 */
public record RelationshipView(NodeId peer, RelationshipState state, long updatedAtMs, String note,
    ContactCard peerCard, boolean owesConfirmation) {

  public boolean accepted() {
    return state == RelationshipState.ACCEPTED;
  }
}
