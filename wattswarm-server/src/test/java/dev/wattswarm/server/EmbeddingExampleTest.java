package dev.wattswarm.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.agents.AgentRuntime;
import dev.wattswarm.agents.AgentSpec;
import dev.wattswarm.agents.PeerClient;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example of docs/embedding.md, verbatim, so the docs cannot rot. */
@org.junit.jupiter.api.Timeout(300)
class EmbeddingExampleTest {
  @TempDir Path tmp;

  @Test
  void theDocumentedExampleWorks() throws Exception {
    Path dir = tmp.resolve("my-node");
    try (NodeHost host = NodeHost.start(NodeConfig.local(dir), new StateDir(dir), Clock.systemUTC(), new SecureRandom(),
        NodeHost.Options.defaults()
            .withAgents(List.of(AgentSpec.parse("reviewer:specialist:security"), AgentSpec.parse("lead:coordinator:coordination")))
            .withResponders(Map.of("reviewer", (self, from, body) -> CanonicalJson.object().put("verdict",
                body.path("code").asText().contains("eval(") ? "unsafe" : "ok"))))) {
      PeerClient lead = host.agents().client("lead");
      AgentRuntime.Reply r = lead.request("security", CanonicalJson.parse("{\"code\":\"eval(input())\"}"), 5_000);
      assertThat(r.agentName()).isEqualTo("reviewer");
      assertThat(r.body().path("verdict").asText()).isEqualTo("unsafe");
    }
  }
}
