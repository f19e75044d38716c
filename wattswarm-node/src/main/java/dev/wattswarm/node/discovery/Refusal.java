package dev.wattswarm.node.discovery;

/**
 * A discovery record refused, with the HTTP status a client gets, a short code (also the counter
 * key) and a one-line reason. Nothing refused is stored or forwarded.
 */
public final class Refusal extends RuntimeException {
  private final int status;
  private final String code;

  public Refusal(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
