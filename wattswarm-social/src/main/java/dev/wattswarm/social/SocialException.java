package dev.wattswarm.social;

/** A relationship or DM operation the node refuses, with a message that says what to do. */
public final class SocialException extends RuntimeException {
  /** BAD_INPUT: malformed request; REFUSED: not allowed in the relationship's state; OFFLINE: no networking. */
  public enum Kind { BAD_INPUT, REFUSED, OFFLINE }

  private final Kind kind;

  public SocialException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  static SocialException bad(String message) {
    return new SocialException(Kind.BAD_INPUT, message);
  }

  static SocialException refused(String message) {
    return new SocialException(Kind.REFUSED, message);
  }
}
