package dev.wattswarm.p2p.wire;

/** A frame that does not parse; the sender is penalised, the node carries on. */
public class MalformedFrameException extends RuntimeException {
  public MalformedFrameException(String message) {
    super(message);
  }
}
