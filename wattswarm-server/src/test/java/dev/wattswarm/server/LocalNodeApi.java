package dev.wattswarm.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * One local node per test and its control plane over real HTTP: what every REST test of one
 * domain needs before its own cases. A test that needs executors or agents overrides
 * {@link #startNode}.
 */
public abstract class LocalNodeApi {
  @TempDir protected Path tmp;
  protected NodeHost host;
  protected String token;
  protected final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The node under test, in its fresh state dir. */
  protected NodeHost startNode(StateDir dir) throws Exception {
    return NodeHost.start(NodeConfig.local(dir.root()), dir, Clock.systemUTC(), new SecureRandom());
  }

  @BeforeEach
  void startLocalNode() throws Exception {
    StateDir dir = new StateDir(tmp.resolve("n"));
    host = startNode(dir);
    token = dir.readToken();
  }

  @AfterEach
  void stopLocalNode() {
    if (host != null) host.close();
  }

  /** A request with the control token. */
  protected HttpResponse<String> call(String method, String path, String body) throws Exception {
    return send(method, path, body, true);
  }

  /** A request with the control token or without it. */
  protected HttpResponse<String> send(String method, String path, String body, boolean auth) throws Exception {
    var b = HttpRequest.newBuilder(URI.create(host.controlUrl() + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (auth) b.header("Authorization", "Bearer " + token);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  protected static JsonNode json(HttpResponse<String> r) {
    return CanonicalJson.parse(r.body());
  }
}
