package dev.wattswarm.p2p.reach;

import dev.wattswarm.kernel.identity.NodeId;

/**
 * A request failed fast because its peer cannot be reached now: it could not be dialled, and every
 * relay path came back saying that no node it reached holds a link to the peer. Unlike a timeout
 * this says nothing about a slow peer, so callers may move the request to another peer at once.
 */
public final class UnreachableException extends RuntimeException {
  private final transient NodeId peer;

  public UnreachableException(NodeId peer, String message) {
    super(message, null, false, false);
    this.peer = peer;
  }

  public NodeId peer() {
    return peer;
  }
}
