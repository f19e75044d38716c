package dev.wattswarm.server.publicapi;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The first thing every request on the public listener meets, WebSocket upgrades included:
 * the client's rate limit, then the declared body size. Both refusals happen before any handler
 * runs or any body byte is read. Bodies without a declared length are capped as they are read
 * (the listener's {@code maxRequestSize}).
 */
final class RequestGate implements Filter {
  private final ClientLimiter limiter;
  private final long maxBodyBytes;

  RequestGate(ClientLimiter limiter, long maxBodyBytes) {
    this.limiter = limiter;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
    HttpServletResponse http = (HttpServletResponse) res;
    long waitMs = limiter.take(req.getRemoteAddr());
    if (waitMs > 0) {
      http.setHeader("Retry-After", Long.toString(Math.max(1, (waitMs + 999) / 1000)));
      refuse(http, 429, "rate_limited", "too many requests from " + req.getRemoteAddr() + "; retry in " + waitMs + " ms");
      return;
    }
    long declared = ((HttpServletRequest) req).getContentLengthLong();
    if (declared > maxBodyBytes) {
      refuse(http, 413, "too_large", "request body of " + declared + " bytes is over the cap of " + maxBodyBytes + " bytes");
      return;
    }
    chain.doFilter(req, res);
  }

  private static void refuse(HttpServletResponse http, int status, String code, String message) throws IOException {
    byte[] body = PublicErrors.body(code, message);
    http.setStatus(status);
    http.setContentType("application/json");
    http.setHeader("Cache-Control", "no-store");
    // the unread body is not worth keeping the connection for
    http.setHeader("Connection", "close");
    http.setContentLength(body.length);
    http.getOutputStream().write(body);
  }
}
