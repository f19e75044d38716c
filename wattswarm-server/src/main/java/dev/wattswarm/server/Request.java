package dev.wattswarm.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** One request: path parameters, query parameters and a size-capped body. */
public final class Request {
  public static final int MAX_BODY = 1 << 20;

  private final HttpExchange exchange;
  private final Map<String, String> pathParams;
  private final Map<String, String> query;

  Request(HttpExchange exchange, Map<String, String> pathParams) {
    this.exchange = exchange;
    this.pathParams = pathParams;
    this.query = parseQuery(exchange.getRequestURI().getRawQuery());
  }

  public HttpExchange exchange() {
    return exchange;
  }

  public String path(String name) {
    return pathParams.get(name);
  }

  public String query(String name, String dflt) {
    return query.getOrDefault(name, dflt);
  }

  /** A bounded integer query parameter; a bad value is a 400 naming the parameter. */
  public int intQuery(String name, int dflt, int min, int max) {
    String v = query.get(name);
    if (v == null || v.isEmpty()) return dflt;
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) throw ApiException.badRequest(name, name + " must be between " + min + " and " + max);
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name, name + " must be an integer, got '" + v + "'");
    }
  }

  public long longQuery(String name, long dflt) {
    String v = query.get(name);
    if (v == null || v.isEmpty()) return dflt;
    try {
      long n = Long.parseLong(v);
      if (n < 0) throw ApiException.badRequest(name, name + " must not be negative");
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name, name + " must be an integer, got '" + v + "'");
    }
  }

  public byte[] body() {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] b = in.readNBytes(MAX_BODY + 1);
      if (b.length > MAX_BODY) {
        throw new ApiException(413, "too_large", "request body exceeds " + MAX_BODY + " bytes", "body");
      }
      return b;
    } catch (IOException e) {
      throw ApiException.badRequest("body", "could not read the request body: " + e.getMessage());
    }
  }

  /** The body as JSON; malformed JSON is a 400 naming "body" with the parser's location. */
  public JsonNode json() {
    byte[] b = body();
    if (b.length == 0) throw ApiException.badRequest("body", "request body is empty; send a JSON document");
    try {
      return CanonicalJson.parse(b);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("body", e.getMessage());
    }
  }

  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> m = new HashMap<>();
    if (raw == null || raw.isEmpty()) return m;
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      String k = eq < 0 ? part : part.substring(0, eq);
      String v = eq < 0 ? "" : part.substring(eq + 1);
      try {
        m.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(k, "query parameter is not URL-encoded correctly");
      }
    }
    return m;
  }
}
