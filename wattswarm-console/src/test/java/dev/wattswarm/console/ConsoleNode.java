package dev.wattswarm.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.node.task.Executor;
import dev.wattswarm.server.NodeHost;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A real local node with its control plane (the console found on the class path), and HTTP calls to it. */
final class ConsoleNode implements AutoCloseable {
  final NodeHost host;
  final String token;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ConsoleNode(Path dir, Clock clock, List<Executor> executors) throws Exception {
    this(dir, clock, executors, List.of());
  }

  /** @param agents agent specs as {@code node up --agent} takes them ("name:role:capability") */
  ConsoleNode(Path dir, Clock clock, List<Executor> executors, List<String> agents) throws Exception {
    StateDir sd = new StateDir(dir);
    host = NodeHost.start(NodeConfig.local(sd.root()), sd, clock, new SecureRandom(), NodeHost.Options.defaults().withExecutors(executors)
        .withAgents(agents.stream().map(dev.wattswarm.agents.AgentSpec::parse).toList()));
    token = sd.readToken();
  }

  String url(String path) {
    return host.controlUrl() + path;
  }

  String cookieName() {
    return "wattswarm_console_" + URI.create(host.controlUrl()).getPort();
  }

  /** A request to the control plane with the given extra headers (name, value, name, value...). */
  HttpResponse<String> call(String method, String path, String body, String... headers) throws Exception {
    var b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A one-time login path, minted with the control token as {@code wattswarm console} does. */
  String loginPath() throws Exception {
    var r = call("POST", "/v1/console/login", null, "Authorization", "Bearer " + token);
    if (r.statusCode() != 201) throw new AssertionError("minting a login code: " + r.statusCode() + " " + r.body());
    return CanonicalJson.parse(r.body()).path("path").asText();
  }

  /** The session id the response set, if any. */
  Optional<String> sessionSet(HttpResponse<?> r) {
    for (String c : r.headers().allValues("Set-Cookie")) {
      if (c.startsWith(cookieName() + "=") && !c.startsWith(cookieName() + "=;")) {
        return Optional.of(c.substring(cookieName().length() + 1, c.indexOf(';')));
      }
    }
    return Optional.empty();
  }

  /** Logs in through a fresh link and returns the session id. */
  String login() throws Exception {
    return sessionSet(call("GET", loginPath(), null)).orElseThrow();
  }

  String cookie(String session) {
    return cookieName() + "=" + session;
  }

  String csrf(String session) throws Exception {
    var r = call("GET", "/supervision/session", null, "Cookie", cookie(session));
    return CanonicalJson.parse(r.body()).path("csrf").asText();
  }

  static JsonNode json(HttpResponse<String> r) {
    return CanonicalJson.parse(r.body());
  }

  @Override
  public void close() {
    host.close();
  }
}
