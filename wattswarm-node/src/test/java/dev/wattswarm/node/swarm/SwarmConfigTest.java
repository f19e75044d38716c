package dev.wattswarm.node.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The substrate and swarm-view variables: defaults, presets, and one-line errors naming the variable. */
class SwarmConfigTest {
  @Test
  void defaultsAndPresets() {
    SwarmConfig d = SwarmConfig.fromEnv(Map.of());
    assertThat(d.substrate()).isEqualTo(SwarmConfig.Substrate.P2P);
    assertThat(d.heartbeatMs()).isEqualTo(10_000);
    assertThat(d.nodeTimeoutMs()).isEqualTo(60_000);
    assertThat(SwarmConfig.fromEnv(Map.of("WATTSWARM_SWARM_PRESET", "small")).nodeTimeoutMs()).isEqualTo(30_000);
    SwarmConfig m = SwarmConfig.fromEnv(Map.of("WATTSWARM_SWARM_PRESET", "medium"));
    assertThat(m.heartbeatMs()).isEqualTo(5_000);
    assertThat(m.nodeTimeoutMs()).isEqualTo(20_000);
    SwarmConfig l = SwarmConfig.fromEnv(Map.of("WATTSWARM_SWARM_PRESET", "large", "WATTSWARM_SWARM_HEARTBEAT_MS", "1000"));
    assertThat(l.heartbeatMs()).isEqualTo(1_000);
    assertThat(l.nodeTimeoutMs()).isEqualTo(15_000);
    SwarmConfig n = SwarmConfig.fromEnv(Map.of("WATTSWARM_SUBSTRATE", "nats", "WATTSWARM_NATS_URLS", "nats://127.0.0.1:4222, nats://10.0.0.2:4222"));
    assertThat(n.nats().urls()).hasSize(2);
  }

  @Test
  void badValuesFailInOneLineNamingTheVariable() {
    for (var bad : new Map[] {
        Map.of("WATTSWARM_SUBSTRATE", "zeromq"),
        Map.of("WATTSWARM_SUBSTRATE", "nats"),
        Map.of("WATTSWARM_SUBSTRATE", "nats", "WATTSWARM_NATS_URLS", "http://x:1"),
        Map.of("WATTSWARM_SUBSTRATE", "nats", "WATTSWARM_NATS_URLS", "nats://x:1", "WATTSWARM_NATS_USER", "u"),
        Map.of("WATTSWARM_SUBSTRATE", "nats", "WATTSWARM_NATS_URLS", "nats://x:1", "WATTSWARM_NATS_CREDS", "/nonexistent/creds"),
        Map.of("WATTSWARM_SUBSTRATE", "nats", "WATTSWARM_NATS_URLS", "nats://x:1", "WATTSWARM_NATS_PREFIX", "a.b"),
        Map.of("WATTSWARM_SUBSTRATE", "nats", "WATTSWARM_NATS_URLS", "nats://x:1", "WATTSWARM_NATS_REPLICAS", "nine"),
        Map.of("WATTSWARM_SWARM_PRESET", "huge"),
        Map.of("WATTSWARM_SWARM_HEARTBEAT_MS", "soon"),
        Map.of("WATTSWARM_SWARM_HEARTBEAT_MS", "5000", "WATTSWARM_SWARM_NODE_TIMEOUT_MS", "6000"),
        Map.of("WATTSWARM_SWARM_LEADER_LEASE_MS", "10")}) {
      @SuppressWarnings("unchecked")
      Map<String, String> env = bad;
      assertThatThrownBy(() -> SwarmConfig.fromEnv(env)).isInstanceOf(IllegalArgumentException.class)
          .satisfies(e -> assertThat(e.getMessage()).contains("WATTSWARM_").doesNotContain("\n"));
    }
  }
}
