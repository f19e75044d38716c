package dev.wattswarm.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's login and session over real HTTP against a real node: one-time links, the token
 * form, cookies, CSRF, expiry by the node's clock, and every way a credential could leak into a
 * URL or be replayed.
 */
@org.junit.jupiter.api.Timeout(120)
class ConsoleAuthTest {
  static final String TASK = "{\"task_id\":\"%s\",\"task_type\":\"swarm\",\"inputs\":{\"prompt\":\"hello\"}}";

  @TempDir Path tmp;
  final ManualClock clock = new ManualClock();
  ConsoleNode n;

  @BeforeEach
  void start() throws Exception {
    n = new ConsoleNode(tmp.resolve("n"), clock, null);
  }

  @AfterEach
  void stop() {
    n.close();
  }

  @Test
  void aLoginLinkWorksOnceAndItsCookieOpensTheApi() throws Exception {
    String path = n.loginPath();
    assertThat(path).startsWith("/supervision/login?code=").doesNotContain(n.token);
    HttpResponse<String> first = n.call("GET", path, null);
    assertThat(first.statusCode()).isEqualTo(303);
    assertThat(first.headers().firstValue("Location")).hasValue("/supervision/");
    String setCookie = first.headers().allValues("Set-Cookie").get(0);
    assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/").doesNotContain(n.token);
    String session = n.sessionSet(first).orElseThrow();
    HttpResponse<String> node = n.call("GET", "/v1/node", null, "Cookie", n.cookie(session));
    assertThat(node.statusCode()).isEqualTo(200);
    assertThat(ConsoleNode.json(node).path("node_id").asText()).isEqualTo(n.host.node().nodeId().toString());

    HttpResponse<String> replay = n.call("GET", path, null);
    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(n.sessionSet(replay)).isEmpty();
    assertThat(replay.body()).contains("invalid, expired or already used");
  }

  @Test
  void anExpiredLinkIsRefused() throws Exception {
    String path = n.loginPath();
    clock.advance(ConsoleConfig.defaults().loginCodeTtlMs());
    HttpResponse<String> late = n.call("GET", path, null);
    assertThat(late.statusCode()).isEqualTo(401);
    assertThat(n.sessionSet(late)).isEmpty();
    // and a link used just inside its lifetime still works
    String fresh = n.loginPath();
    clock.advance(ConsoleConfig.defaults().loginCodeTtlMs() - 1);
    assertThat(n.call("GET", fresh, null).statusCode()).isEqualTo(303);
  }

  @Test
  void sessionsEndWithTheirLifetimeAndOnLogout() throws Exception {
    String a = n.login();
    String b = n.login();
    HttpResponse<String> out = n.call("POST", "/supervision/logout", null, "Cookie", n.cookie(a),
        SessionAuth.CSRF_HEADER, n.csrf(a));
    assertThat(out.statusCode()).isEqualTo(200);
    assertThat(out.headers().allValues("Set-Cookie")).anyMatch(c -> c.contains("Max-Age=0"));
    assertThat(n.call("GET", "/v1/node", null, "Cookie", n.cookie(a)).statusCode()).isEqualTo(401);
    assertThat(n.call("GET", "/v1/node", null, "Cookie", n.cookie(b)).statusCode()).isEqualTo(200);
    clock.advance(ConsoleConfig.defaults().sessionTtlMs());
    HttpResponse<String> expired = n.call("GET", "/v1/node", null, "Cookie", n.cookie(b));
    assertThat(expired.statusCode()).isEqualTo(401);
    assertThat(ConsoleNode.json(expired).path("error").path("code").asText()).isEqualTo("session_expired");
  }

  @Test
  void anOpenEventStreamEndsWhenItsSessionIsLoggedOut() throws Exception {
    String s = n.login();
    var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(n.url("/v1/events/stream?named=false")))
        .header("Cookie", n.cookie(s)).build();
    HttpResponse<java.io.InputStream> stream = n.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    java.util.concurrent.CompletableFuture<String> all = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try (var in = stream.body()) {
        return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertThat(n.call("POST", "/supervision/logout", null, "Cookie", n.cookie(s), SessionAuth.CSRF_HEADER, n.csrf(s))
        .statusCode()).isEqualTo(200);
    // a new event wakes the stream up at once; it must find its session gone and end
    n.call("POST", "/v1/tasks", TASK.formatted("after-logout"), "Authorization", "Bearer " + n.token);
    String seen = all.get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(seen).contains("node.started").doesNotContain("event: ");
  }

  @Test
  void withoutAValidCookieTheApiAnswers401() throws Exception {
    assertThat(n.call("GET", "/v1/node", null).statusCode()).isEqualTo(401);
    assertThat(n.call("GET", "/supervision/session", null).statusCode()).isEqualTo(401);
    assertThat(n.call("GET", "/v1/events/stream", null).statusCode()).isEqualTo(401);
    for (String forged : new String[] {"x", "A".repeat(43), "A".repeat(5000), "../../etc/passwd", "%00%0d%0a"}) {
      assertThat(n.call("GET", "/v1/node", null, "Cookie", n.cookie(forged)).statusCode()).as(forged).isEqualTo(401);
    }
    // another node's cookie name (another port) is not ours
    String session = n.login();
    assertThat(n.call("GET", "/v1/node", null, "Cookie", "wattswarm_console_1=" + session).statusCode()).isEqualTo(401);
  }

  @Test
  void theTokenIsNeverAcceptedInAUrl() throws Exception {
    for (String q : new String[] {"token", "access_token", "code"}) {
      assertThat(n.call("GET", "/v1/node?" + q + "=" + n.token, null).statusCode()).as(q).isEqualTo(401);
    }
    HttpResponse<String> viaLogin = n.call("GET", "/supervision/login?token=" + n.token, null);
    assertThat(viaLogin.statusCode()).isEqualTo(400);
    assertThat(n.sessionSet(viaLogin)).isEmpty();
    assertThat(viaLogin.body()).doesNotContain(n.token);
    // the token is not a login code either, and nothing malformed or oversized is one
    assertThat(n.call("GET", "/supervision/login?code=" + n.token, null).statusCode()).isEqualTo(401);
    assertThat(rawStatus("/supervision/login?code=%zz")).isEqualTo(400);
    for (String bad : new String[] {"A".repeat(4000), "A".repeat(42) + "%2B", "A".repeat(43) + "&code=" + "B".repeat(43)}) {
      int status = n.call("GET", "/supervision/login?code=" + bad, null).statusCode();
      assertThat(status).as(bad).isIn(400, 401);
    }
  }

  /** The status line of a GET sent as raw bytes: for URLs java.net.URI refuses to build. */
  int rawStatus(String target) throws Exception {
    java.net.URI u = java.net.URI.create(n.url(""));
    try (var sock = new java.net.Socket(u.getHost(), u.getPort())) {
      sock.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + u.getAuthority() + "\r\nConnection: close\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String status = new java.io.BufferedReader(new java.io.InputStreamReader(sock.getInputStream(),
          java.nio.charset.StandardCharsets.US_ASCII)).readLine();
      return Integer.parseInt(status.split(" ")[1]);
    }
  }

  @Test
  void theTokenFormLogsInOnlyWithTheRightTokenFromOurOwnPage() throws Exception {
    String form = "application/x-www-form-urlencoded";
    HttpResponse<String> wrong = n.call("POST", "/supervision/login", "token=not-the-token", "Content-Type", form);
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(n.sessionSet(wrong)).isEmpty();
    assertThat(wrong.body()).contains("Wrong control token").doesNotContain(n.token);
    assertThat(n.call("POST", "/supervision/login", "", "Content-Type", form).statusCode()).isEqualTo(400);
    assertThat(n.call("POST", "/supervision/login", "token=%zz", "Content-Type", form).statusCode()).isEqualTo(400);
    assertThat(n.call("POST", "/supervision/login", "token=" + "x".repeat(1_100_000), "Content-Type", form).statusCode()).isEqualTo(413);
    HttpResponse<String> foreign = n.call("POST", "/supervision/login", "token=" + n.token, "Content-Type", form,
        "Origin", "http://evil.example");
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(n.sessionSet(foreign)).isEmpty();
    HttpResponse<String> right = n.call("POST", "/supervision/login", "token=" + n.token, "Content-Type", form,
        "Origin", "http://" + n.url("").substring("http://".length()));
    assertThat(right.statusCode()).isEqualTo(303);
    assertThat(n.call("GET", "/v1/node", null, "Cookie", n.cookie(n.sessionSet(right).orElseThrow())).statusCode()).isEqualTo(200);
  }

  @Test
  void actionsOnACookieNeedTheSessionsCsrfSecretAndOurOrigin() throws Exception {
    String s = n.login();
    String csrf = n.csrf(s);
    String other = n.csrf(n.login());
    String self = "http://" + n.url("").substring("http://".length());
    HttpResponse<String> bare = n.call("POST", "/v1/tasks", TASK.formatted("c1"), "Cookie", n.cookie(s));
    assertThat(bare.statusCode()).isEqualTo(403);
    assertThat(ConsoleNode.json(bare).path("error").path("code").asText()).isEqualTo("csrf");
    assertThat(n.call("POST", "/v1/tasks", TASK.formatted("c1"), "Cookie", n.cookie(s), SessionAuth.CSRF_HEADER, other)
        .statusCode()).isEqualTo(403);
    assertThat(n.call("POST", "/v1/tasks", TASK.formatted("c1"), "Cookie", n.cookie(s), SessionAuth.CSRF_HEADER, csrf,
        "Origin", "http://evil.example").statusCode()).isEqualTo(403);
    assertThat(n.call("POST", "/v1/tasks", TASK.formatted("c1"), "Cookie", n.cookie(s), SessionAuth.CSRF_HEADER, csrf,
        "Sec-Fetch-Site", "cross-site").statusCode()).isEqualTo(403);
    assertThat(n.call("GET", "/v1/tasks/c1", null, "Authorization", "Bearer " + n.token).statusCode()).isEqualTo(404);
    HttpResponse<String> ok = n.call("POST", "/v1/tasks", TASK.formatted("c1"), "Cookie", n.cookie(s),
        SessionAuth.CSRF_HEADER, csrf, "Origin", self, "Sec-Fetch-Site", "same-origin");
    assertThat(ok.statusCode()).isEqualTo(201);
  }

  @Test
  void aWrongBearerTokenIsRefusedEvenBesideAGoodCookie() throws Exception {
    String s = n.login();
    assertThat(n.call("GET", "/v1/node", null, "Cookie", n.cookie(s), "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
  }

  @Test
  void onlyTheTokenMintsLoginLinks() throws Exception {
    String s = n.login();
    HttpResponse<String> r = n.call("POST", "/v1/console/login", null, "Cookie", n.cookie(s), SessionAuth.CSRF_HEADER, n.csrf(s));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(n.call("POST", "/v1/console/login", null).statusCode()).isEqualTo(401);
    assertThat(n.call("POST", "/v1/console/login", null, "Authorization", "Bearer nope").statusCode()).isEqualTo(401);
    // a session's request leaves nothing behind that would change how the next request is judged
    assertThat(n.call("GET", "/v1/node", null, "Cookie", n.cookie(s)).statusCode()).isEqualTo(200);
    assertThat(n.call("POST", "/v1/console/login", null, "Authorization", "Bearer " + n.token).statusCode()).isEqualTo(201);
  }

  @Test
  void thePageAndItsFilesCarryNoSecretAndOnlyListedFilesAreServed() throws Exception {
    HttpResponse<String> page = n.call("GET", "/supervision", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("script-src 'self'"));
    assertThat(page.body()).contains("/supervision/assets/console.js").contains("/supervision/assets/views/tasks.js").doesNotContain(n.token);
    assertThat(n.call("GET", "/supervision/", null).statusCode()).isEqualTo(200);
    for (String f : new String[] {"console.js", "console.css", "views/overview.js"}) {
      HttpResponse<String> r = n.call("GET", "/supervision/assets/" + f, null);
      assertThat(r.statusCode()).as(f).isEqualTo(200);
      assertThat(r.body()).doesNotContain(n.token);
    }
    for (String bad : new String[] {"nope.js", "..%2Fconsole.js", "files.txt%00", "..%2F..%2FConsoleRoutes.class"}) {
      assertThat(n.call("GET", "/supervision/assets/" + bad, null).statusCode()).as(bad).isEqualTo(404);
    }
  }
}
