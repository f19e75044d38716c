package dev.wattswarm.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Method + path templates such as {@code /v1/tasks/{id}/events}. */
public final class Router {
  /** Handles a request; returns the JSON-able response body, or null when it wrote the response itself. */
  @FunctionalInterface
  public interface Handler {
    Object handle(Request req) throws Exception;
  }

  /** A handler result with a status other than the route's default (201 vs 200, say). */
  public record Status(int code, Object body) {}

  record Route(String method, String[] segments, Handler handler, int status, String template) {}

  /** @param template the route's path template, a bounded label for metrics */
  record Match(Handler handler, Map<String, String> params, int status, String template) {}

  private final List<Route> routes = new ArrayList<>();

  public Router get(String path, Handler h) {
    return add("GET", path, h, 200);
  }

  public Router post(String path, Handler h) {
    return add("POST", path, h, 200);
  }

  public Router add(String method, String path, Handler h, int status) {
    routes.add(new Route(method, path.substring(1).split("/"), h, status, path));
    return this;
  }

  /** Every route as "METHOD /template", in registration order: what docs/openapi.yaml must describe. */
  public List<String> describe() {
    return routes.stream().map(r -> r.method + " " + r.template).toList();
  }

  /** The match for method and path; empty if none; {@code methodMismatch[0]} set if only the method differs. */
  Optional<Match> match(String method, String path, boolean[] methodMismatch) {
    String[] parts = path.length() > 1 ? path.substring(1).split("/") : new String[] {""};
    for (Route r : routes) {
      if (r.segments.length != parts.length) continue;
      Map<String, String> params = new HashMap<>();
      boolean ok = true;
      for (int i = 0; i < parts.length && ok; i++) {
        String s = r.segments[i];
        if (s.startsWith("{") && s.endsWith("}")) {
          if (parts[i].isEmpty()) ok = false;
          else params.put(s.substring(1, s.length() - 1), java.net.URLDecoder.decode(parts[i], java.nio.charset.StandardCharsets.UTF_8));
        } else if (!s.equals(parts[i])) {
          ok = false;
        }
      }
      if (!ok) continue;
      if (!r.method.equals(method)) {
        methodMismatch[0] = true;
        continue;
      }
      return Optional.of(new Match(r.handler, params, r.status, r.template));
    }
    return Optional.empty();
  }
}
