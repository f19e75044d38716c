package dev.wattswarm.server.gateway;

import dev.wattswarm.node.task.TaskService;
import dev.wattswarm.server.ApiException;
import io.javalin.config.RoutesConfig;
import io.javalin.websocket.WsContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code /gateway/v1/ws}: the key is checked before the upgrade (401 without one), then each
 * connection is a {@link GatewaySubscriber} with its own sender thread. At most
 * {@link GatewayLimits#maxSocketsPerKey()} sockets per key; the listener bounds connections overall.
 */
public final class GatewaySocket implements AutoCloseable {
  static final String KEY_ATTR = "wattswarm.gateway.key";

  private final GatewayAuth auth;
  private final TaskService tasks;
  private final TaskWatch watch;
  private final GatewayEconomy economy;
  private final GatewayLimits limits;
  private final Map<String, GatewaySubscriber> open = new ConcurrentHashMap<>();
  private final Map<String, Integer> perKey = new ConcurrentHashMap<>();

  public GatewaySocket(GatewayAuth auth, TaskService tasks, TaskWatch watch, GatewayEconomy economy, GatewayLimits limits) {
    this.auth = auth;
    this.tasks = tasks;
    this.watch = watch;
    this.economy = economy;
    this.limits = limits;
  }

  public void register(RoutesConfig r) {
    String path = GatewayRoutes.BASE + "/ws";
    r.wsBeforeUpgrade(path, ctx -> {
      String key = auth.check(ctx.header("Authorization"), ctx.queryParam("key"), Scope.READ);
      if (perKey.getOrDefault(key, 0) >= limits.maxSocketsPerKey()) {
        throw new ApiException(429, "too_many_sockets", "gateway key '" + key + "' already holds " + limits.maxSocketsPerKey()
            + " WebSockets; close one first", null);
      }
      ctx.attribute(KEY_ATTR, key);
    });
    r.ws(path, ws -> {
      ws.onConnect(ctx -> connect(ctx));
      ws.onMessage(ctx -> {
        GatewaySubscriber s = open.get(ctx.sessionId());
        if (s != null) s.onText(ctx.message());
      });
      ws.onBinaryMessage(ctx -> {
        GatewaySubscriber s = open.get(ctx.sessionId());
        if (s != null) s.error("binary_message", "send JSON text frames: {\"op\":\"subscribe\",\"topic\":\"task:<id>\"}");
      });
      ws.onClose(ctx -> disconnect(ctx.sessionId()));
      ws.onError(ctx -> disconnect(ctx.sessionId()));
    });
  }

  private void connect(WsContext ctx) {
    String key = ctx.attribute(KEY_ATTR);
    if (key == null) {
      ctx.closeSession(new org.eclipse.jetty.websocket.core.CloseStatus(1008, "no gateway key"));
      return;
    }
    ctx.session.setMaxTextMessageSize(4096);
    perKey.merge(key, 1, Integer::sum);
    GatewaySubscriber s = new GatewaySubscriber(key, ctx.session, tasks, economy, limits);
    open.put(ctx.sessionId(), s);
    s.start(watch);
  }

  private void disconnect(String sessionId) {
    GatewaySubscriber s = open.remove(sessionId);
    if (s == null) return;
    s.stop();
    perKey.computeIfPresent(s.key(), (k, n) -> n <= 1 ? null : n - 1);
  }

  int openSockets() {
    return open.size();
  }

  @Override
  public void close() {
    for (String id : open.keySet()) disconnect(id);
  }
}
