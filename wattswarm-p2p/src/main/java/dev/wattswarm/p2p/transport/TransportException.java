package dev.wattswarm.p2p.transport;

/** A link could not be made; the message says why and what to check. */
public class TransportException extends RuntimeException {
  public enum Kind { UNREACHABLE, TIMEOUT, WRONG_PEER, WRONG_NETWORK, BAD_HANDSHAKE, CLOSED }

  private final Kind kind;

  public TransportException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public TransportException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
