package dev.wattswarm.node.brain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.brain.BrainException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.SSLException;

/** Turns HTTP statuses, error bodies and I/O failures into {@link BrainException}s people can act on. */
final class BrainErrors {
  private static final int SNIPPET = 200;

  private BrainErrors() {}

  /**
   * A non-2xx answer.
   *
   * @param what {@code METHOD url}, how messages name the call
   * @param header looks up a response header
   * @param advice what to do, per kind, in the API's terms
   */
  static BrainException forStatus(String what, String url, int status, String body, Function<String, Optional<String>> header,
      Function<Kind, String> advice) {
    Kind kind;
    if (status == 401 || status == 403) kind = Kind.AUTH;
    else if (status == 404 || status / 100 == 3) kind = Kind.NOT_FOUND;
    else if (status == 429) kind = Kind.RATE_LIMITED;
    else if (status == 408) kind = Kind.TIMEOUT;
    else if (status >= 500) kind = Kind.SERVER;
    else if (status / 100 == 4) kind = Kind.BAD_REQUEST;
    else kind = Kind.MALFORMED;
    long retryAfterMs = header.apply("Retry-After").map(BrainErrors::retryAfterMs).orElse(-1L);
    StringBuilder m = new StringBuilder(what).append(" answered HTTP ").append(status);
    String detail = serverMessage(body);
    if (!detail.isEmpty()) m.append(": ").append(detail);
    if (status / 100 == 3) m.append(" (redirects to ").append(header.apply("Location").orElse("?")).append("; set base_url to the final address)");
    if (retryAfterMs >= 0) m.append(" (Retry-After ").append(retryAfterMs / 1000).append(" s)");
    return new BrainException(kind, url, m.append(". ").append(advice.apply(kind)).toString(), retryAfterMs, null);
  }

  /** A failure before any HTTP status arrived: refused, timed out, dropped, unresolvable. */
  static BrainException forIo(String what, String url, Throwable t, long timeoutMs, Function<Kind, String> advice) {
    Kind kind = Kind.SERVER;
    String problem = "the connection failed before an answer (" + describe(t) + ")";
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof HttpTimeoutException) {
        kind = Kind.TIMEOUT;
        problem = "no answer within " + timeoutMs + " ms";
        break;
      }
      if (c instanceof ConnectException) {
        kind = Kind.REFUSED;
        problem = "connection refused: nothing is listening there";
        break;
      }
      if (c instanceof UnresolvedAddressException || c instanceof UnknownHostException) {
        kind = Kind.REFUSED;
        problem = "the host name cannot be resolved";
        break;
      }
      if (c instanceof SSLException) {
        kind = Kind.REFUSED;
        problem = "the TLS handshake failed (" + describe(c) + ")";
        break;
      }
    }
    return failure(kind, what, url, problem, advice, t);
  }

  static BrainException failure(Kind kind, String what, String url, String problem, Function<Kind, String> advice, Throwable cause) {
    return new BrainException(kind, url, what + ": " + problem + ". " + advice.apply(kind), -1, cause);
  }

  /** The server's own explanation in either API's error shape, else the start of the body. */
  static String serverMessage(String body) {
    if (body == null || body.isBlank()) return "";
    try {
      JsonNode j = CanonicalJson.parse(body);
      JsonNode e = j.path("error");
      if (e.isTextual()) return snippet(e.asText());
      if (e.path("message").isTextual()) {
        String code = e.path("code").isTextual() ? " [" + e.path("code").asText() + "]" : "";
        return snippet(e.path("message").asText()) + code;
      }
      if (j.path("message").isTextual()) return snippet(j.path("message").asText());
      if (j.path("detail").isTextual()) return snippet(j.path("detail").asText());
    } catch (IllegalArgumentException notJson) {
      // fall through: proxies answer HTML or plain text, which is still worth showing
    }
    return snippet(body);
  }

  static String snippet(String s) {
    String flat = s.strip().replaceAll("\\s+", " ");
    return flat.length() <= SNIPPET ? flat : flat.substring(0, SNIPPET) + "...";
  }

  /** Retry-After in seconds; the HTTP-date form is ignored, the backoff applies instead. */
  private static long retryAfterMs(String v) {
    try {
      long s = Long.parseLong(v.strip());
      return s < 0 ? -1 : s * 1000;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && (root.getMessage() == null || !(root instanceof IOException))) root = root.getCause();
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }
}
