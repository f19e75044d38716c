package dev.wattswarm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wattswarm.kernel.store.EventStore;
import dev.wattswarm.kernel.store.Projector;
import dev.wattswarm.kernel.store.StoreException;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.testkit.TestEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteEventStoreTest extends EventStoreContract {
  @TempDir Path dir;

  private Path file() {
    return dir.resolve("wattswarm.db");
  }

  @Override
  protected EventStore openFresh(List<Projector> projectors) {
    return EventStores.open(StoreConfig.sqlite(file()), projectors);
  }

  @Override
  protected EventStore reopen(List<Projector> projectors) {
    return openFresh(projectors);
  }

  @Override
  protected void sql(String statement) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout=5000");
      st.execute(statement);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  protected String literal(byte[] bytes) {
    return "X'" + Hashes.hex(bytes) + "'";
  }

  @Test
  void usesWalMode() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement st = c.createStatement();
        var rs = st.executeQuery("PRAGMA journal_mode")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
    }
  }

  @Test
  void corruptFileIsRefusedClearly() throws Exception {
    store.close();
    store = null;
    Path other = dir.resolve("junk.db");
    byte[] junk = "this is not a database at all, just some bytes that are long enough".repeat(100).getBytes();
    Files.write(other, junk);
    assertThatThrownBy(() -> EventStores.open(StoreConfig.sqlite(other), List.of()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("not a usable SQLite database").hasMessageContaining("Move it aside");
    assertThat(Files.readAllBytes(other)).isEqualTo(junk);
  }

  @Test
  void foreignDatabaseIsRefused() throws Exception {
    Path other = dir.resolve("foreign.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");
    }
    assertThatThrownBy(() -> EventStores.open(StoreConfig.sqlite(other), List.of()))
        .isInstanceOf(StoreException.class).hasMessageContaining("not wattswarm's").hasMessageContaining("customers");
  }

  @Test
  void newerSchemaIsRefused() {
    store.append(TestEvents.next(TestEvents.signer(1), 0));
    store.close();
    store = null;
    sql("UPDATE ws_meta SET v = '999' WHERE k = 'schema_version'");
    assertThatThrownBy(() -> openFresh(List.of())).isInstanceOf(StoreException.class).hasMessageContaining("newer");
  }

  @Test
  void unwritableDirectoryIsRefusedClearly() throws Exception {
    if ("root".equals(System.getProperty("user.name"))) {
      // root ignores permission bits; a missing directory exercises the same refusal
      assertThatThrownBy(() -> EventStores.open(StoreConfig.sqlite(dir.resolve("missing/x.db")), List.of()))
          .isInstanceOf(StoreException.class).hasMessageContaining("does not exist");
      return;
    }
    Path ro = Files.createDirectory(dir.resolve("ro"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r-xr-xr-x")));
    assertThatThrownBy(() -> EventStores.open(StoreConfig.sqlite(ro.resolve("x.db")), List.of()))
        .isInstanceOf(StoreException.class).hasMessageContaining("writable");
  }

  @Test
  void envSelectsBackendAndNamesBadVariables() {
    assertThat(StoreConfig.fromEnv(dir, java.util.Map.of()).backend()).isEqualTo(StoreConfig.Backend.SQLITE);
    assertThatThrownBy(() -> StoreConfig.fromEnv(dir, java.util.Map.of("WATTSWARM_STORAGE_BACKEND", "mongo")))
        .hasMessageContaining("WATTSWARM_STORAGE_BACKEND");
    assertThatThrownBy(() -> StoreConfig.fromEnv(dir, java.util.Map.of("WATTSWARM_STORAGE_BACKEND", "postgres")))
        .hasMessageContaining("WATTSWARM_PG_URL");
    assertThat(PostgresBackend.jdbcUrl("postgres://u:p@h:5432/db")).isEqualTo("jdbc:postgresql://h:5432/db?user=u&password=p");
    assertThatThrownBy(() -> PostgresBackend.jdbcUrl("mysql://x")).hasMessageContaining("WATTSWARM_PG_URL");
  }
}
