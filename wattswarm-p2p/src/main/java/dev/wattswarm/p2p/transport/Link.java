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

  /**
   * Like {@link #send}, but a link may write the frame on the caller's thread when nothing else
   * is waiting to be written, saving the hand-over to its writer. The caller may then block while
   * the socket is full: call it only from a thread that may wait on this peer (the asker's own
   * thread, the link's reader, a worker), never from the protocol thread.
   */
  default boolean sendNow(byte[] frame) {
    return send(frame);
  }

  boolean isOpen();

  void close(String reason);
}
