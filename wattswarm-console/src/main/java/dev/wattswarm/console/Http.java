package dev.wattswarm.console;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writing console responses, every one with headers that keep the page to its own scripts and frame. */
final class Http {
  /** Scripts and styles only from our own files, no inline code, no framing, forms post only to us. */
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
      + "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private Http() {}

  static void secure(Headers h) {
    h.set("Content-Security-Policy", CSP);
    h.set("X-Content-Type-Options", "nosniff");
    h.set("X-Frame-Options", "DENY");
    // nothing (a login link's code included) leaks to another site through Referer; same-origin
    // rather than no-referrer, because no-referrer makes the browser send "Origin: null" on our
    // own form posts, which the origin check must refuse
    h.set("Referrer-Policy", "same-origin");
    h.set("Cache-Control", "no-store");
  }

  static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
    secure(ex.getResponseHeaders());
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  static void html(HttpExchange ex, int status, String html) throws IOException {
    send(ex, status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
  }

  /** 303: the browser follows with a GET, so a login link's code is gone from the address bar. */
  static void seeOther(HttpExchange ex, String location) throws IOException {
    secure(ex.getResponseHeaders());
    ex.getResponseHeaders().set("Location", location);
    ex.sendResponseHeaders(303, -1);
    ex.close();
  }
}
