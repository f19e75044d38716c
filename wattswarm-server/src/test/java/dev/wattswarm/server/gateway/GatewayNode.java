package dev.wattswarm.server.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.config.Mode;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.server.NodeHost;
import dev.wattswarm.server.publicapi.PublicConfig;
import dev.wattswarm.server.publicapi.PublicListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;

/**
 * A real local node with the gateway mounted on a real public listener of its own, so a test can
 * choose the gateway's limits and the clock of its per-key buckets.
 */
public final class GatewayNode implements AutoCloseable {
  public final NodeHost host;
  final StateDir dir;
  public final PublicListener listener;
  final Gateway gateway;
  final GatewayKeys keys;
  public final HttpClient http = HttpClient.newHttpClient();

  public GatewayNode(Path root, GatewayLimits limits, Clock rateClock) throws Exception {
    this(root, limits, rateClock, false);
  }

  /** @param withEconomy serve the node's own economy (missions, services) rather than none */
  public GatewayNode(Path root, GatewayLimits limits, Clock rateClock, boolean withEconomy) throws Exception {
    this(root, limits, rateClock, withEconomy, null);
  }

  /** @param executors this node's executors; null for the state dir's (the default echo executor) */
  public GatewayNode(Path root, GatewayLimits limits, Clock rateClock, boolean withEconomy,
      List<dev.wattswarm.node.task.Executor> executors) throws Exception {
    dir = new StateDir(root);
    host = NodeHost.start(NodeConfig.local(dir.root()), dir, Clock.systemUTC(), new SecureRandom(),
        NodeHost.Options.defaults().withExecutors(executors));
    var url = new java.util.concurrent.atomic.AtomicReference<String>("");
    GatewayEconomy economy = withEconomy ? new dev.wattswarm.server.EconomyGateway(host.economy(), host.tasks().tracker(), host.node().log()) : GatewayEconomy.NONE;
    Gateway g = gateway = new Gateway(host.node(), host.tasks().service(), economy, url::get,
        () -> List.of("echo", "maps"), limits, rateClock);
    listener = PublicListener.start(PublicConfig.embedded(Mode.NETWORK).withRate(10_000, 10_000), Clock.systemUTC(), List.of(g));
    url.set(listener.url());
    keys = new GatewayKeys(dir.root());
  }

  public String newKey(String name) {
    return keys.create(name, new SecureRandom(), Clock.systemUTC());
  }

  public HttpResponse<String> get(String path, String key) throws Exception {
    var b = HttpRequest.newBuilder(URI.create(listener.url() + path));
    if (key != null) b.header("Authorization", "Bearer " + key);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(String path, String key, String body) throws Exception {
    var b = HttpRequest.newBuilder(URI.create(listener.url() + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) b.header("Authorization", "Bearer " + key);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public static JsonNode json(HttpResponse<String> r) {
    return CanonicalJson.parse(r.body());
  }

  public String taskState(String id) {
    return host.tasks().service().get(id).map(t -> t.path("state").asText()).orElse("");
  }

  @Override
  public void close() {
    listener.close();
    host.close();
  }
}
