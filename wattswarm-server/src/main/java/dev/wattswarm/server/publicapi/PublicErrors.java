package dev.wattswarm.server.publicapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import io.javalin.http.Context;

/**
 * Errors on the public listener have the control plane's shape, {@code {"error": {"code",
 * "message"}}}: one line saying what was wrong and what to do, never a stack trace.
 */
public final class PublicErrors {
  private PublicErrors() {}

  public static byte[] body(String code, String message) {
    ObjectNode o = CanonicalJson.object();
    o.putObject("error").put("code", code).put("message", message);
    return CanonicalJson.encode(o);
  }

  public static void send(Context ctx, int status, String code, String message) {
    ctx.status(status).contentType("application/json").header("Cache-Control", "no-store").result(body(code, message));
  }

  /** A stable code for a status the framework produced on its own. */
  static String codeFor(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 408 -> "request_timeout";
      case 413 -> "too_large";
      case 415 -> "unsupported_media_type";
      case 429 -> "rate_limited";
      default -> status >= 500 ? "internal" : "bad_request";
    };
  }
}
