package dev.wattswarm.p2p.transport;

import dev.wattswarm.kernel.identity.NodeId;

/** One authenticated connection to a peer. */
public interface Link {
  /** The peer's proven identity. */
  NodeId peer();

  /** The address the peer listens on, as it announced it (dial this to reach it again). */
  String peerListenAddress();

  boolean inbound();

  /**
   * Queues a frame for the peer.
   *
   * @return false when the link is closed or its outbound queue is full (backpressure: the caller
   *     decides whether to drop, retry later or close)
   * @throws IllegalArgumentException when the frame exceeds the transport's cap
   */
  boolean send(byte[] frame);

  boolean isOpen();

  void close(String reason);
}
