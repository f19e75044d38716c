package dev.wattswarm.node.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wattswarm.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A state dir remembers its database, never its password, and is never silently read as SQLite. */
class StorageRecordTest {
  @TempDir Path tmp;

  @Test
  void passwordsAreNeverRecorded() {
    assertThat(StorageRecord.withoutPassword("postgres://ws:s3cret@db:5432/w")).isEqualTo("postgres://ws@db:5432/w");
    assertThat(StorageRecord.withoutPassword("jdbc:postgresql://db/w?user=ws&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/w?user=ws&ssl=true");
    assertThat(StorageRecord.withoutPassword("jdbc:postgresql://db/w?password=s3cret")).isEqualTo("jdbc:postgresql://db/w");
  }

  @Test
  void aPostgresDirIsOpenedOnPostgresWithoutTheEnvironmentAndRefusedAsSqlite() throws Exception {
    StateDir dir = new StateDir(tmp);
    dir.ensureWritable();
    StorageRecord.write(dir, StoreConfig.postgres("postgres://ws:s3cret@127.0.0.1:5432/w", null, null, "node_a"));
    assertThat(Files.readString(tmp.resolve(StorageRecord.FILE))).doesNotContain("s3cret").contains("node_a");

    StoreConfig bare = StorageRecord.resolve(tmp, Map.of());
    assertThat(bare.backend()).isEqualTo(StoreConfig.Backend.POSTGRES);
    assertThat(bare.pgSchema()).isEqualTo("node_a");
    assertThat(bare.pgUrl()).isEqualTo("postgres://ws@127.0.0.1:5432/w");

    StoreConfig withPw = StorageRecord.resolve(tmp, Map.of("WATTSWARM_PG_PASSWORD", "s3cret"));
    assertThat(withPw.pgPassword()).isEqualTo("s3cret");

    assertThatThrownBy(() -> StorageRecord.resolve(tmp, Map.of("WATTSWARM_STORAGE_BACKEND", "sqlite")))
        .hasMessageContaining("PostgreSQL").hasMessageContaining("not SQLite").hasMessageNotContaining("s3cret");
  }

  @Test
  void aSqliteOrUnrecordedDirFollowsTheEnvironment() {
    StateDir dir = new StateDir(tmp);
    dir.ensureWritable();
    assertThat(StorageRecord.resolve(tmp, Map.of()).backend()).isEqualTo(StoreConfig.Backend.SQLITE);
    StorageRecord.write(dir, StoreConfig.sqlite(tmp.resolve("wattswarm.db")));
    assertThat(StorageRecord.resolve(tmp, Map.of()).backend()).isEqualTo(StoreConfig.Backend.SQLITE);
  }
}
