package dev.wattswarm.node.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wattswarm.node.Node;
import dev.wattswarm.node.Projections;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.store.EventStores;
import dev.wattswarm.testkit.PostgresHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node run on PostgreSQL leaves a state dir that later commands, run without the environment,
 * open on the same PostgreSQL schema: never an empty SQLite file next to it.
 */
class PostgresStateDirTest {
  @TempDir Path tmp;

  @Test
  void laterCommandsWithoutTheEnvironmentReadThePostgresLog() {
    PostgresHarness pg = PostgresHarness.get();
    String schema = PostgresHarness.freshSchema("ws_statedir");
    Map<String, String> env = new HashMap<>(Map.of("WATTSWARM_STORAGE_BACKEND", "postgres", "WATTSWARM_PG_URL", pg.url(),
        "WATTSWARM_PG_SCHEMA", schema));
    if (pg.user() != null) env.put("WATTSWARM_PG_USER", pg.user());
    StateDir dir = new StateDir(tmp);
    long events;
    try (Node node = Node.open(NodeConfig.fromEnv(tmp, env).withControlPort(0), dir, Clock.systemUTC(), new SecureRandom(),
        Projections.all())) {
      node.announceStart("http://127.0.0.1:1");
      events = node.store().count();
    }
    assertThat(events).isPositive();

    // `log verify` and friends build their config from an empty environment
    var cfg = NodeConfig.fromEnv(tmp, Map.of()).store();
    assertThat(cfg.pgSchema()).isEqualTo(schema);
    try (var store = EventStores.open(cfg, Projections.all())) {
      assertThat(store.count()).isEqualTo(events);
    }
    assertThat(tmp.resolve("wattswarm.db")).doesNotExist();
    assertThatThrownBy(() -> NodeConfig.fromEnv(tmp, Map.of("WATTSWARM_STORAGE_BACKEND", "sqlite")))
        .hasMessageContaining("PostgreSQL");
    assertThat(Files.exists(tmp.resolve(StorageRecord.FILE))).isTrue();
  }
}
