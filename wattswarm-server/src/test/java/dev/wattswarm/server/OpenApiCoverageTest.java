package dev.wattswarm.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * docs/openapi.yaml is the control plane's reference for every client but the CLI; it drifted once
 * (the economy and hives were served and not described). A networked node's routes, every domain
 * registered, must each appear there with their method, and the document must name no route the
 * node does not serve.
 */
class OpenApiCoverageTest extends SocialNodes {
  static final java.util.Set<String> METHODS = java.util.Set.of("get", "post", "put", "delete", "patch");

  /** "METHOD /path" for each operation in the document, read by a YAML parser (the document must be valid YAML). */
  static TreeSet<String> documented(Path yaml) throws Exception {
    JsonNode doc = new YAMLMapper().readTree(yaml.toFile());
    TreeSet<String> ops = new TreeSet<>();
    for (var p = doc.path("paths").fields(); p.hasNext(); ) {
      var path = p.next();
      for (var m = path.getValue().fieldNames(); m.hasNext(); ) {
        String method = m.next();
        if (METHODS.contains(method)) ops.add(method.toUpperCase(Locale.ROOT) + " " + normalise(path.getKey()));
      }
    }
    return ops;
  }

  /** Parameter names do not matter, only where parameters are. */
  static String normalise(String route) {
    return route.replaceAll("\\{[^}/]+}", "{}");
  }

  static Path openapi() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("docs/openapi.yaml"))) p = p.getParent();
    assertThat(p).as("docs/openapi.yaml above the working directory").isNotNull();
    return p.resolve("docs/openapi.yaml");
  }

  @Test
  void everyServedRouteIsDocumentedAndNothingElse() throws Exception {
    NodeHost h = start("n", "127.0.0.1", "network", null);
    TreeSet<String> served = new TreeSet<>();
    for (String r : h.controlRoutes()) {
      // the console's pages and assets are the web app, described in docs/console.md
      if (r.contains(" /supervision")) continue;
      served.add(normalise(r));
    }
    // answered before routing (no token), and added by the console module, which this module cannot load
    served.add("GET /healthz");
    served.add("POST /v1/console/login");
    TreeSet<String> documented = documented(openapi());
    List<String> missing = new ArrayList<>(served);
    missing.removeAll(documented);
    List<String> stale = new ArrayList<>(documented);
    stale.removeAll(served);
    assertThat(missing).as("served by the node but not in docs/openapi.yaml").isEmpty();
    assertThat(stale).as("in docs/openapi.yaml but not served").isEmpty();
  }
}
