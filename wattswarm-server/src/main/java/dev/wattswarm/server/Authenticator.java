package dev.wattswarm.server;

import com.sun.net.httpserver.HttpExchange;
import java.util.function.BooleanSupplier;

/**
 * A credential other than the bearer token that may open {@code /v1/} (the console's session
 * cookie). The bearer header, when present, always decides alone: a request with a wrong token is
 * refused even if it also carries a good cookie.
 */
@FunctionalInterface
public interface Authenticator {
  /** What this authenticator makes of a request with no {@code Authorization} header. */
  Verdict check(HttpExchange ex);

  /**
   * Accept, abstain (no credential of this kind on the request), or deny with a status and reason.
   *
   * @param stillValid for an accepted credential that can end (a session logged out or expired):
   *     long-lived responses such as event streams ask it and stop when it says false
   */
  record Verdict(Kind kind, int status, String code, String message, BooleanSupplier stillValid) {
    public enum Kind { ACCEPT, ABSTAIN, DENY }

    public static final Verdict ACCEPT = accept(() -> true);
    public static final Verdict ABSTAIN = new Verdict(Kind.ABSTAIN, 0, "", "", () -> false);

    public static Verdict accept(BooleanSupplier stillValid) {
      return new Verdict(Kind.ACCEPT, 200, "", "", stillValid);
    }

    public static Verdict deny(int status, String code, String message) {
      return new Verdict(Kind.DENY, status, code, message, () -> false);
    }
  }
}
