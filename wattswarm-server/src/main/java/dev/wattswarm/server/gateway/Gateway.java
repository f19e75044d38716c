package dev.wattswarm.server.gateway;

import dev.wattswarm.node.Node;
import dev.wattswarm.node.task.TaskService;
import dev.wattswarm.server.a2a.A2aRpc;
import dev.wattswarm.server.a2a.AgentCardRoute;
import dev.wattswarm.server.publicapi.PublicListener;
import io.javalin.config.RoutesConfig;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * The gateway and A2A as one mount on the public listener: both take the gateway keys of the
 * node's state dir and share one token bucket per key.
 */
public final class Gateway implements PublicListener.Mount {
  private final GatewayRoutes routes;
  private final GatewaySocket socket;
  private final AgentCardRoute card;
  private final A2aRpc a2a;

  /**
   * @param baseUrl the public base URL clients should use, known once the listener is bound
   * @param economy missions and services; {@link GatewayEconomy#NONE} until the economy is wired
   */
  public Gateway(Node node, TaskService tasks, GatewayEconomy economy, Supplier<String> baseUrl,
      Supplier<Collection<String>> capabilities, GatewayLimits limits) {
    this(node, tasks, economy, baseUrl, capabilities, limits, node.clock());
  }

  /** @param rateClock the clock of the per-key token buckets */
  public Gateway(Node node, TaskService tasks, GatewayEconomy economy, Supplier<String> baseUrl,
      Supplier<Collection<String>> capabilities, GatewayLimits limits, java.time.Clock rateClock) {
    GatewayAuth auth = new GatewayAuth(new GatewayKeys(node.stateDir().root()), limits, rateClock);
    TaskWatch watch = new TaskWatch(node.log());
    this.routes = new GatewayRoutes(auth, tasks, economy, limits);
    this.socket = new GatewaySocket(auth, tasks, watch, economy, limits);
    this.card = new AgentCardRoute(node.nodeId().toString(), baseUrl, capabilities);
    this.a2a = new A2aRpc(auth, tasks, watch, limits);
  }

  /** Open gateway WebSockets (for tests and metrics). */
  public int openSockets() {
    return socket.openSockets();
  }

  @Override
  public void register(RoutesConfig r) {
    routes.register(r);
    socket.register(r);
    card.register(r);
    a2a.register(r);
  }
}
