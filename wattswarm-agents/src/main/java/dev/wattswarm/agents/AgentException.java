package dev.wattswarm.agents;

/** A message could not be delivered or answered; the message says why and what to do. */
public class AgentException extends RuntimeException {
  public enum Kind { NO_SUCH_AGENT, TIMEOUT, QUEUE_FULL, FAILED, BAD_MESSAGE }

  private final Kind kind;

  public AgentException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
