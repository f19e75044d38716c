package dev.wattswarm.node.brain;

import java.util.OptionalLong;

/**
 * A failed brain call, sorted by what the operator can do about it. Messages name the URL and end
 * with what to do, because they surface verbatim as task errors and in {@code doctor} output.
 */
public final class BrainException extends RuntimeException {
  public enum Kind {
    /** Nothing listening at the address (or it cannot be resolved or connected to). */
    REFUSED(true),
    TIMEOUT(true),
    /** HTTP 401/403, or the API key's environment variable is unset. */
    AUTH(false),
    /** HTTP 404: an unknown model or a wrong base URL. */
    NOT_FOUND(false),
    /** HTTP 429. */
    RATE_LIMITED(true),
    /** HTTP 5xx, a connection dropped before any answer, or an error reported mid-stream. */
    SERVER(true),
    /** A body not in the API's format, or a stream that ended before its end marker. */
    MALFORMED(false),
    /** Another 4xx: the server understood and refused the request (e.g. a context-length limit). */
    BAD_REQUEST(false);

    private final boolean retryable;

    Kind(boolean retryable) {
      this.retryable = retryable;
    }

    /** Whether trying again later could succeed without anyone changing anything. */
    public boolean retryable() {
      return retryable;
    }
  }

  private final Kind kind;
  private final String url;
  private final long retryAfterMs;

  public BrainException(Kind kind, String url, String message) {
    this(kind, url, message, -1, null);
  }

  /** @param retryAfterMs what the server asked us to wait, or -1 */
  public BrainException(Kind kind, String url, String message, long retryAfterMs, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.url = url;
    this.retryAfterMs = retryAfterMs;
  }

  public Kind kind() {
    return kind;
  }

  /** The URL that failed. */
  public String url() {
    return url;
  }

  public OptionalLong retryAfterMs() {
    return retryAfterMs < 0 ? OptionalLong.empty() : OptionalLong.of(retryAfterMs);
  }

  /** The same failure, saying how many attempts were made before giving up. */
  BrainException afterAttempts(int attempts) {
    return new BrainException(kind, url, getMessage() + " (gave up after " + attempts + " attempts)", retryAfterMs, this);
  }
}
