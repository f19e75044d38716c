package dev.wattswarm.server.gateway;

import dev.wattswarm.node.task.TaskService;
import dev.wattswarm.server.ApiException;
import io.javalin.config.RoutesConfig;
import io.javalin.websocket.WsContext;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code /gateway/v1/ws}: the key is checked before the upgrade (401 without one), then each
 * connection is a {@link GatewaySubscriber} with its own sender thread. At most
 * {@link GatewayLimits#maxSocketsPerKey()} sockets per key; the listener bounds connections overall.
 */
public final class GatewaySocket implements AutoCloseable {
  static final String KEY_ATTR = "wattswarm.gateway.key";
  static final long UPGRADE_GRACE_NANOS = 30_000_000_000L;

  private final GatewayAuth auth;
  private final TaskService tasks;
  private final TaskWatch watch;
  private final GatewayEconomy economy;
  private final GatewayLimits limits;
  private final Map<String, GatewaySubscriber> open = new ConcurrentHashMap<>();
  /** Sockets each key holds, counting upgrades let through and not connected yet (guarded by this). */
  private final Map<String, Integer> perKey = new HashMap<>();
  /** When each let-through upgrade was let through, per key (guarded by this). */
  private final Map<String, ArrayDeque<Long>> upgrading = new HashMap<>();

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
      if (!reserve(key, System.nanoTime())) {
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
    connected(key);
    GatewaySubscriber s = new GatewaySubscriber(key, ctx.session, tasks, economy, limits);
    open.put(ctx.sessionId(), s);
    s.start(watch);
  }

  private void disconnect(String sessionId) {
    GatewaySubscriber s = open.remove(sessionId);
    if (s == null) return;
    s.stop();
    release(s.key());
  }

  /**
   * Takes a slot for an upgrade about to be let through. The check and the count are one step:
   * counting only at connect let a client that opened sockets at once (or faster than the server
   * ran its connect callbacks) hold more than the limit. An upgrade that never connects (the client
   * went away mid-handshake) gives its slot back after {@link #UPGRADE_GRACE_NANOS}.
   */
  private synchronized boolean reserve(String key, long now) {
    ArrayDeque<Long> pending = upgrading.get(key);
    while (pending != null && !pending.isEmpty() && now - pending.peekFirst() > UPGRADE_GRACE_NANOS) {
      pending.pollFirst();
      release(key);
    }
    if (perKey.getOrDefault(key, 0) >= limits.maxSocketsPerKey()) return false;
    perKey.merge(key, 1, Integer::sum);
    upgrading.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(now);
    return true;
  }

  /** A let-through upgrade connected: its slot is now an open socket's (still counted). */
  private synchronized void connected(String key) {
    ArrayDeque<Long> pending = upgrading.get(key);
    if (pending != null && pending.pollFirst() != null) {
      if (pending.isEmpty()) upgrading.remove(key);
      return;
    }
    perKey.merge(key, 1, Integer::sum); // its reservation had lapsed: count it again
  }

  private synchronized void release(String key) {
    perKey.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }

  int openSockets() {
    return open.size();
  }

  @Override
  public void close() {
    for (String id : open.keySet()) disconnect(id);
  }
}
