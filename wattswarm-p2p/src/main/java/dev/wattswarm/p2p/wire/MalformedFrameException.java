package dev.wattswarm.p2p.wire;

/**
 * A frame that does not parse or breaks the protocol; the sender is penalised, the node carries
 * on. {@link #reason()} names the kind of offence for the defence counters.
 */
public class MalformedFrameException extends RuntimeException {
  private final String reason;

  public MalformedFrameException(String message) {
    this("malformed_frames", message);
  }

  public MalformedFrameException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** A short counter key, e.g. {@code malformed_frames}, {@code identity_claims}, {@code bad_addresses}. */
  public String reason() {
    return reason;
  }
}
