package dev.wattswarm.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.swarm.SwarmConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No Docker or Kubernetes here, so the deployment files are checked against the code instead:
 * every environment variable a manifest sets is one the node's configuration reads (and accepts
 * with that value), and every port a manifest opens for the control plane is the port that
 * configuration binds.
 */
class DeployManifestsTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The variables the node's configuration asked for while reading {@code env}. */
  static Set<String> readBy(Map<String, String> env) {
    Set<String> asked = new TreeSet<>();
    Map<String, String> recording = new HashMap<>(env) {
      @Override
      public String get(Object k) {
        asked.add((String) k);
        return super.get(k);
      }

      @Override
      public String getOrDefault(Object k, String d) {
        asked.add((String) k);
        return super.getOrDefault(k, d);
      }

      @Override
      public boolean containsKey(Object k) {
        asked.add((String) k);
        return super.containsKey(k);
      }
    };
    NodeConfig.fromEnv(Path.of("/tmp/ws-manifest-check"), recording);
    SwarmConfig.fromEnv(recording);
    return asked;
  }

  static List<JsonNode> docs(Path f) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (YAMLParser p = new YAMLFactory().createParser(f.toFile())) {
      var it = YAML.readValues(p, JsonNode.class);
      while (it.hasNext()) {
        JsonNode n = it.next();
        if (n != null && !n.isNull() && !n.isMissingNode()) out.add(n);
      }
    }
    return out;
  }

  static void checkEnv(String where, Map<String, String> env) {
    assertThat(env).as(where + " sets no WATTSWARM_ variables").isNotEmpty();
    Set<String> read = readBy(env);
    for (String k : env.keySet()) {
      if (k.startsWith("WATTSWARM_")) assertThat(read).as(where + ": " + k + " is not read by the node's configuration").contains(k);
    }
  }

  @Test
  void composeVariablesAndPortsExistInTheNodeConfiguration() throws IOException {
    JsonNode compose = docs(ROOT.resolve("deploy/docker-compose.yml")).get(0);
    int nodes = 0;
    for (var svc : iterable(compose.path("services").fields())) {
      JsonNode env = svc.getValue().path("environment");
      if (env.isMissingNode()) continue;
      nodes++;
      Map<String, String> m = new LinkedHashMap<>();
      env.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
      checkEnv("compose service " + svc.getKey(), m);
      NodeConfig cfg = NodeConfig.fromEnv(Path.of("/tmp/ws-manifest-check"), m);
      assertThat(SwarmConfig.fromEnv(m).substrate()).isEqualTo(SwarmConfig.Substrate.NATS);
      for (JsonNode p : svc.getValue().path("ports")) {
        String[] parts = p.asText().split(":");
        assertThat(Integer.parseInt(parts[parts.length - 1])).as("compose " + svc.getKey() + " publishes a port the node does not bind")
            .isEqualTo(cfg.controlPort());
      }
      // the NATS URL names the compose service that runs nats-server, on a port it listens on
      String url = m.get("WATTSWARM_NATS_URLS");
      String host = url.replaceAll("nats://([^:]+):.*", "$1");
      assertThat(compose.path("services").has(host)).as("compose: no service named " + host).isTrue();
      assertThat(compose.path("services").path(host).path("ports").toString()).contains(url.replaceAll(".*:(\\d+)$", "$1"));
    }
    assertThat(nodes).isEqualTo(3);
  }

  @Test
  void kubernetesVariablesAndPortsExistInTheNodeConfiguration() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(ROOT.resolve("deploy/k8s"))) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    int containers = 0;
    Map<String, JsonNode> services = new HashMap<>();
    List<JsonNode> all = new ArrayList<>();
    for (Path f : files) all.addAll(docs(f));
    for (JsonNode d : all) {
      assertThat(d.path("apiVersion").isTextual() && d.path("kind").isTextual()).as("every document has apiVersion and kind").isTrue();
      if (d.path("kind").asText().equals("Service")) services.put(d.path("metadata").path("name").asText(), d);
    }
    for (JsonNode d : all) {
      if (!d.path("kind").asText().equals("StatefulSet")) continue;
      for (JsonNode c : d.path("spec").path("template").path("spec").path("containers")) {
        Map<String, String> m = new LinkedHashMap<>();
        for (JsonNode e : c.path("env")) if (e.has("value")) m.put(e.path("name").asText(), e.path("value").asText());
        if (!m.keySet().stream().anyMatch(k -> k.startsWith("WATTSWARM_"))) continue;
        containers++;
        checkEnv("k8s " + d.path("metadata").path("name").asText(), m);
        NodeConfig cfg = NodeConfig.fromEnv(Path.of("/tmp/ws-manifest-check"), m);
        for (JsonNode p : c.path("ports")) {
          assertThat(p.path("containerPort").asInt()).as("k8s: container port " + p + " is not the control port").isEqualTo(cfg.controlPort());
        }
        // every host in the NATS URLs is a pod of the headless nats Service
        for (String u : m.get("WATTSWARM_NATS_URLS").split(",")) {
          Matcher mm = Pattern.compile("nats://[^.]+\\.([^:]+):(\\d+)").matcher(u);
          assertThat(mm.matches()).as(u).isTrue();
          JsonNode svc = services.get(mm.group(1));
          assertThat(svc).as("no Service " + mm.group(1)).isNotNull();
          assertThat(svc.path("spec").path("ports").toString()).contains("\"port\":" + mm.group(2));
        }
      }
    }
    assertThat(containers).isEqualTo(1);
    JsonNode gw = services.get("wattswarm-gateway");
    assertThat(gw).isNotNull();
    assertThat(gw.path("spec").path("ports").get(0).path("port").asInt()).isEqualTo(NodeConfig.DEFAULT_CONTROL_PORT);
  }

  @Test
  void dockerfileVariablesAndPortsExistInTheNodeConfiguration() throws IOException {
    String df = Files.readString(ROOT.resolve("Dockerfile"));
    Map<String, String> m = new LinkedHashMap<>();
    Matcher block = Pattern.compile("(?m)^ENV ((?:.*\\\\\\n)*.*)$").matcher(df);
    assertThat(block.find()).as("the Dockerfile sets no ENV").isTrue();
    Matcher env = Pattern.compile("(WATTSWARM_[A-Z_]+)=(\\S+)").matcher(block.group(1));
    while (env.find()) m.put(env.group(1), env.group(2));
    checkEnv("Dockerfile", m);
    NodeConfig cfg = NodeConfig.fromEnv(Path.of("/tmp/ws-manifest-check"), m);
    Matcher expose = Pattern.compile("(?m)^EXPOSE (.+)$").matcher(df);
    assertThat(expose.find()).isTrue();
    assertThat(expose.group(1).split("\\s+")).contains(Integer.toString(cfg.controlPort()), Integer.toString(cfg.p2pPort()));
  }

  static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
    return () -> it;
  }
}
