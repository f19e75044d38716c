package dev.wattswarm.p2p.transport;

/** A link could not be made; the message says why and what to check. */
public class TransportException extends RuntimeException {
  public enum Kind { UNREACHABLE, TIMEOUT, WRONG_PEER, WRONG_NETWORK, BAD_HANDSHAKE, CLOSED }

  private final Kind kind;
  private final String peerNetworkId;

  public TransportException(Kind kind, String message) {
    this(kind, message, null, null);
  }

  public TransportException(Kind kind, String message, Throwable cause) {
    this(kind, message, cause, null);
  }

  /** @param peerNetworkId for {@link Kind#WRONG_NETWORK}: the network the peer proved it is on */
  public TransportException(Kind kind, String message, Throwable cause, String peerNetworkId) {
    super(message, cause);
    this.kind = kind;
    this.peerNetworkId = peerNetworkId;
  }

  /**
   * The network the peer said it is on (in its hello, after proving its key), when the link failed
   * for being on another network; else null. A joiner holding a member's contact learns the
   * network from it, then checks the genesis signature on the bundle.
   */
  public String peerNetworkId() {
    return peerNetworkId;
  }

  public Kind kind() {
    return kind;
  }
}
