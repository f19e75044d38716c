package dev.wattswarm.economy;

/**
 * An economy request refused for a reason the caller can act on; surfaces map the kind to an exit
 * code or HTTP status and show the message as one line.
 *
 * @param field the request field at fault, or null
 */
public final class EconomyException extends RuntimeException {
  public enum Kind {
    /** Malformed input: a bad amount, account or mission file (HTTP 400). */
    BAD_INPUT,
    /** An account, agent or mission this node does not know (HTTP 404). */
    NOT_FOUND,
    /** The payer's balance is short (HTTP 402). */
    INSUFFICIENT_FUNDS,
    /** The request conflicts with the current state, e.g. cancelling a claimed mission (HTTP 409). */
    CONFLICT
  }

  private final Kind kind;
  private final String field;

  public EconomyException(Kind kind, String field, String message) {
    super(message);
    this.kind = kind;
    this.field = field;
  }

  public Kind kind() {
    return kind;
  }

  public String field() {
    return field;
  }
}
