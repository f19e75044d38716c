package dev.wattswarm.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wattswarm.node.config.NodeConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The announcement timings still come from WATTSWARM_AGENT_*, read where the node builds its config. */
class AgentConfigTest {
  @TempDir Path dir;

  @Test
  void timingsComeFromTheNodesEnvironment() {
    AgentConfig dflt = AgentConfig.of(NodeConfig.fromEnv(dir, Map.of()));
    assertThat(dflt.heartbeatMs()).isEqualTo(2_000);
    assertThat(dflt.nodeTimeoutMs()).isEqualTo(6_000);
    AgentConfig set = AgentConfig.of(NodeConfig.fromEnv(dir, Map.of("WATTSWARM_AGENT_HEARTBEAT_MS", "500")));
    assertThat(set.heartbeatMs()).isEqualTo(500);
    assertThat(set.nodeTimeoutMs()).isEqualTo(1_500);
    assertThat(AgentConfig.of(NodeConfig.fromEnv(dir, Map.of("WATTSWARM_AGENT_NODE_TIMEOUT_MS", "9000"))).nodeTimeoutMs()).isEqualTo(9_000);
    assertThatThrownBy(() -> NodeConfig.fromEnv(dir, Map.of("WATTSWARM_AGENT_HEARTBEAT_MS", "soon")))
        .hasMessageContaining("WATTSWARM_AGENT_HEARTBEAT_MS");
    assertThatThrownBy(() -> NodeConfig.fromEnv(dir, Map.of("WATTSWARM_AGENT_NODE_TIMEOUT_MS", "5")))
        .hasMessageContaining("WATTSWARM_AGENT_NODE_TIMEOUT_MS");
  }
}
