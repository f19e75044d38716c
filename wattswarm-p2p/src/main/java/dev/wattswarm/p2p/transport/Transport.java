package dev.wattswarm.p2p.transport;

import dev.wattswarm.kernel.identity.NodeId;
import java.util.concurrent.CompletableFuture;

/**
 * Authenticated point-to-point links between nodes of one network: the layer membership and
 * broadcast run on. Every link's peer has proved it holds the private key of {@link Link#peer()},
 * and belongs to the same network id; anything else is dropped and counted before a link exists.
 * Frames are opaque byte arrays with a size cap; a link that cannot keep up refuses frames
 * ({@link Link#send} returns false) instead of queueing without bound.
 */
public interface Transport extends AutoCloseable {
  NodeId localId();

  String networkId();

  /** The address peers can dial ({@code host:port} with port 0 resolved, or {@code sim:<n>}). */
  String localAddress();

  /**
   * Dials {@code address}. Completes with the link once it is up and authenticated, or fails with
   * a {@link TransportException} saying why (unreachable, timeout, wrong node id, wrong network).
   *
   * @param expectedId the node the caller expects there, or null to accept whoever proves an id
   */
  CompletableFuture<Link> connect(String address, NodeId expectedId);

  /**
   * Signs {@code message} with this node's key (the key its links prove), so what travels through
   * other nodes can stay bound to this node end to end.
   */
  byte[] sign(byte[] message);

  /** Set once, before any link exists. Callbacks may come from any thread. */
  void setListener(Listener listener);

  /** Peers refused since start (failed proof, wrong network, malformed hello), for metrics and tests. */
  long rejectedPeers();

  @Override
  void close();

  /** What happens on links. */
  interface Listener {
    /** A link (inbound or outbound) is up and authenticated. */
    void linkUp(Link link);

    /** A frame arrived on a link, in the order it was sent. */
    void frame(Link link, byte[] frame);

    /** The link is gone: closed by either side, failed, or its peer went silent. */
    void linkDown(Link link, String reason);
  }
}
