package dev.wattswarm.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.server.ApiException;
import dev.wattswarm.server.Request;
import dev.wattswarm.server.Router;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The console's routes: its page and files, logging in (a one-time link or the control token
 * typed into a form), logging out, the session's CSRF secret, and minting login links.
 * Data never travels through these: the page reads and acts through {@code /v1/} like any client.
 */
final class ConsoleRoutes {
  static final String HOME = "/supervision/";

  private final Assets assets;
  private final LoginCodes codes;
  private final Sessions sessions;
  private final SessionAuth auth;
  private final String token;
  private final long sessionTtlMs;

  ConsoleRoutes(Assets assets, LoginCodes codes, Sessions sessions, SessionAuth auth, String token, long sessionTtlMs) {
    this.assets = assets;
    this.codes = codes;
    this.sessions = sessions;
    this.auth = auth;
    this.token = token;
    this.sessionTtlMs = sessionTtlMs;
  }

  void register(Router r) {
    // "/supervision" and "/supervision/" are one route: the router ignores a trailing slash
    r.get("/supervision", req -> page(req.exchange(), 200, ""));
    r.get("/supervision/assets/{name}", req -> asset(req.exchange(), req.path("name")));
    r.get("/supervision/assets/views/{name}", req -> asset(req.exchange(), "views/" + req.path("name")));
    r.get("/supervision/login", this::loginWithCode);
    r.post("/supervision/login", this::loginWithToken);
    r.post("/supervision/logout", this::logout);
    r.get("/supervision/session", this::session);
    r.post("/v1/console/login", this::mintCode);
  }

  private Object page(HttpExchange ex, int status, String notice) throws IOException {
    Http.html(ex, status, assets.page(notice));
    return null;
  }

  private Object asset(HttpExchange ex, String name) throws IOException {
    Assets.Asset a = assets.get(name);
    if (a == null) throw ApiException.notFound("no console file " + name);
    Http.send(ex, 200, a.contentType(), a.bytes());
    return null;
  }

  /** GET /supervision/login?code=...: the link {@code wattswarm console} printed. */
  private Object loginWithCode(Request req) throws IOException {
    HttpExchange ex = req.exchange();
    if (req.query("token", null) != null || req.query("access_token", null) != null) {
      return page(ex, 400, "The control token is never accepted in a URL (URLs end up in histories and logs). "
          + "Paste it into the form below, or run `wattswarm console` for a one-time login link.");
    }
    String code = req.query("code", "");
    if (code.isEmpty()) return page(ex, 200, "");
    if (!codes.redeem(code)) {
      return page(ex, 401, "This login link is invalid, expired or already used. Run `wattswarm console` for a new one.");
    }
    return startSession(ex);
  }

  /** POST /supervision/login with token=... from the login form. */
  private Object loginWithToken(Request req) throws IOException {
    HttpExchange ex = req.exchange();
    String why = SessionAuth.crossSite(ex);
    if (why != null) return page(ex, 403, why);
    String given = formField(new String(req.body(), StandardCharsets.UTF_8), "token");
    if (given == null || given.isBlank()) return page(ex, 400, "Paste the control token (the contents of <state-dir>/control.token).");
    if (!Secrets.same(given.strip(), token)) {
      return page(ex, 401, "Wrong control token. It is the contents of <state-dir>/control.token; "
          + "or run `wattswarm console` for a one-time login link.");
    }
    return startSession(ex);
  }

  private Object startSession(HttpExchange ex) throws IOException {
    Sessions.Created s = sessions.create();
    ex.getResponseHeaders().add("Set-Cookie", SessionAuth.cookieName(ex) + "=" + s.id()
        + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + sessionTtlMs / 1000);
    Http.seeOther(ex, HOME);
    return null;
  }

  private Object logout(Request req) throws IOException {
    HttpExchange ex = req.exchange();
    Optional<String> id = SessionAuth.cookie(ex);
    Optional<Sessions.Session> s = id.flatMap(sessions::find);
    if (s.isPresent()) {
      String why = SessionAuth.crossSite(ex);
      if (why != null) throw new ApiException(403, "cross_site", why, null);
      if (!Secrets.same(ex.getRequestHeaders().getFirst(SessionAuth.CSRF_HEADER), s.get().csrf())) {
        throw new ApiException(403, "csrf", "logging out needs the session's " + SessionAuth.CSRF_HEADER + " header", null);
      }
      sessions.revoke(id.get());
    }
    ex.getResponseHeaders().add("Set-Cookie", SessionAuth.cookieName(ex) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    return CanonicalJson.object().put("logged_out", true);
  }

  /** The page asks who it is: 200 with the CSRF secret for a live session, 401 otherwise. */
  private Object session(Request req) {
    Sessions.Session s = auth.session(req.exchange()).orElseThrow(() -> new ApiException(401, "unauthorized",
        "not logged in: use the link `wattswarm console` prints, or paste the control token", null));
    return CanonicalJson.object().put("csrf", s.csrf()).put("expires_at_ms", s.expiresAtMs());
  }

  /** POST /v1/console/login: a one-time login link, for holders of the control token only. */
  private Object mintCode(Request req) {
    // the control plane judged any Authorization header by the token alone, so one being here
    // means the token was right; without one, the request came in on a session cookie.
    // (Not an exchange attribute: the JDK server keeps those per context, shared by all requests.)
    if (req.exchange().getRequestHeaders().getFirst("Authorization") == null) {
      throw new ApiException(403, "bearer_only", "login links are made with the control token (`wattswarm console`), not from a console session", null);
    }
    LoginCodes.Issued c = codes.issue();
    ObjectNode o = CanonicalJson.object();
    o.put("path", "/supervision/login?code=" + c.code()).put("expires_at_ms", c.expiresAtMs());
    return new Router.Status(201, o);
  }

  /** One field of an application/x-www-form-urlencoded body, or null. */
  static String formField(String body, String name) {
    for (String part : body.split("&")) {
      int eq = part.indexOf('=');
      if (eq < 0) continue;
      try {
        if (URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8).equals(name)) {
          return URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
        }
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return null;
  }
}
