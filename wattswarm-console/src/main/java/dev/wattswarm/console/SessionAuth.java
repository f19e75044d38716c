package dev.wattswarm.console;

import com.sun.net.httpserver.HttpExchange;
import dev.wattswarm.server.Authenticator;
import java.util.List;
import java.util.Optional;

/**
 * Opens {@code /v1/} to a browser holding a console session cookie. Reads are allowed on the
 * cookie alone (SameSite=Strict keeps it off cross-site requests); anything that changes state
 * must also echo the session's CSRF secret in {@value #CSRF_HEADER} and come from our own origin,
 * because a cookie is sent by whoever makes the browser ask.
 */
final class SessionAuth implements Authenticator {
  static final String CSRF_HEADER = "X-Wattswarm-Csrf";

  private final Sessions sessions;

  SessionAuth(Sessions sessions) {
    this.sessions = sessions;
  }

  /** Per control port: cookies ignore ports, and two nodes on one host must not log each other out. */
  static String cookieName(HttpExchange ex) {
    return "wattswarm_console_" + ex.getLocalAddress().getPort();
  }

  /** The session id from this listener's cookie, if the request carries one. */
  static Optional<String> cookie(HttpExchange ex) {
    String name = cookieName(ex);
    List<String> headers = ex.getRequestHeaders().get("Cookie");
    if (headers == null) return Optional.empty();
    for (String h : headers) {
      for (String part : h.split(";")) {
        int eq = part.indexOf('=');
        if (eq > 0 && part.substring(0, eq).trim().equals(name)) return Optional.of(part.substring(eq + 1).trim());
      }
    }
    return Optional.empty();
  }

  Optional<Sessions.Session> session(HttpExchange ex) {
    return cookie(ex).flatMap(sessions::find);
  }

  @Override
  public Verdict check(HttpExchange ex) {
    Optional<String> id = cookie(ex);
    if (id.isEmpty()) return Verdict.ABSTAIN;
    Optional<Sessions.Session> s = sessions.find(id.get());
    if (s.isEmpty()) {
      return Verdict.deny(401, "session_expired",
          "the console session is unknown or expired: log in again (`wattswarm console` prints a one-time login link)");
    }
    if (!safe(ex.getRequestMethod())) {
      String why = crossSite(ex);
      if (why != null) return Verdict.deny(403, "cross_site", why);
      if (!Secrets.same(ex.getRequestHeaders().getFirst(CSRF_HEADER), s.get().csrf())) {
        return Verdict.deny(403, "csrf", "a console action needs the session's " + CSRF_HEADER
            + " header (the console page sends it); reload the console and try again");
      }
    }
    String sid = id.get();
    return Verdict.accept(() -> sessions.find(sid).isPresent());
  }

  static boolean safe(String method) {
    return method.equals("GET") || method.equals("HEAD");
  }

  /**
   * Why the request looks like it came from another site, or null: the browser's Origin must be
   * this listener, and its Sec-Fetch-Site (when sent) must say same-origin or a typed address.
   */
  static String crossSite(HttpExchange ex) {
    String origin = ex.getRequestHeaders().getFirst("Origin");
    String host = ex.getRequestHeaders().getFirst("Host");
    if (origin != null && (host == null || !origin.equals("http://" + host))) {
      return "request from origin " + origin + " refused: console actions come only from the console's own pages";
    }
    String site = ex.getRequestHeaders().getFirst("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      return "cross-site request refused (Sec-Fetch-Site: " + site + ")";
    }
    return null;
  }
}
