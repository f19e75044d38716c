package dev.wattswarm.server.publicapi;

import dev.wattswarm.server.ApiException;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HttpResponseException;
import io.javalin.util.JavalinBindException;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public listener ({@code WATTSWARM_PUBLIC_HTTP_ADDR}): HTTP for other nodes and outside
 * clients, with no token, so nothing on it may change local state without a valid signature.
 * Components add their routes through {@link Mount} before it starts (Discovery v1, the gateway,
 * A2A); Javalin on Jetty 12 gives them plain handlers, server-sent events and WebSockets.
 *
 * <p>Every request first passes the {@link RequestGate} (rate limit per client address, body
 * cap); every error leaves as a 4xx or 5xx JSON body with a code and a one-line reason.
 *
 * <p>Threads: Jetty's acceptor and selector threads, and a virtual thread per request.
 */
public final class PublicListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PublicListener.class);

  /** Something served on the public listener; registers its routes once, before the start. */
  @FunctionalInterface
  public interface Mount {
    void register(RoutesConfig routes);
  }

  private final Javalin app;
  private final ClientLimiter limiter;
  private final String url;

  private PublicListener(Javalin app, ClientLimiter limiter, String url) {
    this.app = app;
    this.limiter = limiter;
    this.url = url;
  }

  /**
   * @throws PublicPortInUseException when the operator's chosen port is taken (a one-line error for the CLI)
   */
  public static PublicListener start(PublicConfig cfg, Clock clock, List<Mount> mounts) throws IOException {
    if (!cfg.enabled()) throw new IllegalArgumentException("the public listener is off in this configuration");
    ClientLimiter limiter = new ClientLimiter(cfg.ratePerSecond(), cfg.burst(), cfg.maxClients(), clock);
    try {
      return bind(cfg, cfg.port(), limiter, mounts);
    } catch (JavalinBindException taken) {
      if (cfg.explicit() || cfg.port() == 0) throw new PublicPortInUseException(cfg.host(), cfg.port());
      // the default port is shared by every node on the machine: the first one gets it
      log.warn("public port {}:{} is taken; using a free port (set WATTSWARM_PUBLIC_HTTP_ADDR to choose)", cfg.host(), cfg.port());
      return bind(cfg, 0, limiter, mounts);
    }
  }

  private static PublicListener bind(PublicConfig cfg, int port, ClientLimiter limiter, List<Mount> mounts) {
    Javalin app = Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      c.startup.showOldJavalinVersionWarning = false;
      c.concurrency.useVirtualThreads = true;
      c.http.maxRequestSize = cfg.maxBodyBytes();
      c.http.prefer405over404 = true;
      c.jetty.modifyServletContextHandler(h ->
          h.addFilter(new FilterHolder(new RequestGate(limiter, cfg.maxBodyBytes())), "/*", EnumSet.of(DispatcherType.REQUEST)));
      c.jetty.modifyServer(server -> server.addBean(new NetworkConnectionLimit(cfg.maxConnections(), server)));
      errors(c.routes, cfg.maxBodyBytes());
      for (Mount m : mounts) m.register(c.routes);
    });
    try {
      app.start(cfg.host(), port);
    } catch (RuntimeException e) {
      app.stop();
      throw e;
    }
    for (var connector : app.jettyServer().server().getConnectors()) {
      if (connector instanceof ServerConnector sc) sc.setIdleTimeout(cfg.idleTimeoutMs());
    }
    String host = cfg.host().equals("0.0.0.0") || cfg.host().equals("::") ? "127.0.0.1" : cfg.host();
    if (host.indexOf(':') >= 0) host = "[" + host + "]";
    return new PublicListener(app, limiter, "http://" + host + ":" + app.port());
  }

  private static void errors(RoutesConfig r, long maxBody) {
    r.exception(ApiException.class, (e, ctx) -> PublicErrors.send(ctx, e.status(), e.code(), e.getMessage()));
    r.exception(HttpResponseException.class, (e, ctx) -> {
      String msg = switch (e.getStatus()) {
        case 404 -> "no such endpoint: " + ctx.method() + " " + ctx.path();
        case 405 -> ctx.method() + " is not allowed on " + ctx.path();
        case 413 -> "request body is over the cap of " + maxBody + " bytes";
        default -> e.getMessage();
      };
      PublicErrors.send(ctx, e.getStatus(), PublicErrors.codeFor(e.getStatus()), msg);
    });
    r.exception(IllegalArgumentException.class, (e, ctx) -> PublicErrors.send(ctx, 400, "bad_request", e.getMessage()));
    r.exception(Exception.class, (e, ctx) -> {
      log.warn("public listener handler failed on {} {}", ctx.method(), ctx.path(), e);
      PublicErrors.send(ctx, 500, "internal", "internal error; the node's log has details");
    });
  }

  /** Base URL, e.g. http://127.0.0.1:7788 (a wildcard bind is reported as 127.0.0.1). */
  public String url() {
    return url;
  }

  public int port() {
    return app.port();
  }

  public ClientLimiter limiter() {
    return limiter;
  }

  @Override
  public void close() {
    app.stop();
  }
}
