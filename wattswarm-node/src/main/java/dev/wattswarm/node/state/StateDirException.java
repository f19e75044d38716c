package dev.wattswarm.node.state;

/** The state dir cannot be used; the message says what is wrong and what to do about it. */
public final class StateDirException extends RuntimeException {
  public StateDirException(String message) {
    super(message);
  }

  public StateDirException(String message, Throwable cause) {
    super(message, cause);
  }
}
