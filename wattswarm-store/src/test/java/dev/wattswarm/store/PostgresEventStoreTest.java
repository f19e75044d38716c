package dev.wattswarm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.store.EventStore;
import dev.wattswarm.kernel.store.Projector;
import dev.wattswarm.kernel.store.StoreException;
import dev.wattswarm.testkit.PostgresHarness;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The same contract against a real PostgreSQL (a throwaway cluster, or WATTSWARM_TEST_PG_URL). */
class PostgresEventStoreTest extends EventStoreContract {
  private String schema;

  private StoreConfig config() {
    PostgresHarness pg = PostgresHarness.get();
    return StoreConfig.postgres(pg.url(), pg.user(), null, schema);
  }

  @Override
  protected EventStore openFresh(List<Projector> projectors) {
    schema = PostgresHarness.freshSchema("ws_test");
    return EventStores.open(config(), projectors);
  }

  @Override
  protected EventStore reopen(List<Projector> projectors) {
    return EventStores.open(config(), projectors);
  }

  @Override
  protected void sql(String statement) {
    PostgresHarness pg = PostgresHarness.get();
    Properties p = new Properties();
    if (pg.user() != null) p.setProperty("user", pg.user());
    try (Connection c = DriverManager.getConnection(pg.url(), p); Statement st = c.createStatement()) {
      st.execute("SET search_path TO " + schema);
      st.execute(statement);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  protected String literal(byte[] bytes) {
    return "'\\x" + Hashes.hex(bytes) + "'::bytea";
  }

  @Test
  void aSecondNodeOnTheSameSchemaIsRefused() {
    assertThatThrownBy(() -> EventStores.open(config(), List.of()))
        .isInstanceOf(StoreException.class).hasMessageContaining("in use by another wattswarm node");
  }

  @Test
  void foreignSchemaIsRefused() {
    sql("CREATE TABLE " + schema + "_x (id int)");
    schema = PostgresHarness.freshSchema("ws_foreign");
    sql("CREATE SCHEMA " + schema);
    sql("CREATE TABLE " + schema + ".invoices (id int)");
    assertThatThrownBy(() -> EventStores.open(config(), List.of()))
        .isInstanceOf(StoreException.class).hasMessageContaining("not wattswarm's").hasMessageContaining("invoices");
  }

  @Test
  void unreachableServerIsReportedClearly() {
    StoreConfig bad = StoreConfig.postgres("jdbc:postgresql://127.0.0.1:1/nothing", "postgres", null, "ws_x");
    assertThatThrownBy(() -> EventStores.open(bad, List.of()))
        .isInstanceOf(StoreException.class).hasMessageContaining("unreachable").hasMessageContaining("WATTSWARM_PG_URL");
  }

  @Test
  void backendName() {
    assertThat(store.backend()).isEqualTo("postgres");
  }
}
