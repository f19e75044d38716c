package dev.wattswarm.bench;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.store.EventStore;
import dev.wattswarm.store.EventStores;
import dev.wattswarm.store.StoreConfig;
import dev.wattswarm.testkit.PostgresHarness;
import dev.wattswarm.testkit.TestEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Durable event append, one event per transaction and 100 per transaction, on both backends; the
 * baseline is a bare JDBC insert of the same bytes into a two-column table on the same database,
 * so the difference is what lane checks, lane heads and the log's indexes cost. Scores are events/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StoreBench {
  static final int BATCH = 100;

  @Param({"sqlite", "postgres"})
  public String backend;

  Path dir;
  EventStore store;
  BenchEvents events;
  Connection raw;
  PreparedStatement rawInsert;
  BenchEvents rawEvents;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    dir = Files.createTempDirectory("ws-bench-store");
    if (backend.equals("sqlite")) {
      store = EventStores.open(StoreConfig.sqlite(dir.resolve("wattswarm.db")), List.of());
      raw = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("raw.db"));
      try (Statement st = raw.createStatement()) {
        st.execute("PRAGMA journal_mode=WAL");
        st.execute("PRAGMA synchronous=NORMAL");
        st.execute("CREATE TABLE raw (id BLOB PRIMARY KEY, encoded BLOB NOT NULL)");
      }
    } else {
      PostgresHarness pg = PostgresHarness.get();
      String schema = PostgresHarness.freshSchema("ws_bench");
      store = EventStores.open(StoreConfig.postgres(pg.url(), pg.user(), null, schema), List.of());
      Properties p = new Properties();
      if (pg.user() != null) p.setProperty("user", pg.user());
      raw = DriverManager.getConnection(pg.url(), p);
      try (Statement st = raw.createStatement()) {
        st.execute("CREATE TABLE " + schema + "_raw (id BYTEA PRIMARY KEY, encoded BYTEA NOT NULL)");
      }
      rawInsertSql = "INSERT INTO " + schema + "_raw (id, encoded) VALUES (?, ?)";
    }
    raw.setAutoCommit(false);
    rawInsert = raw.prepareStatement(rawInsertSql);
    events = new BenchEvents(TestEvents.key(1).id(), 300);
    rawEvents = new BenchEvents(TestEvents.key(2).id(), 300);
  }

  String rawInsertSql = "INSERT INTO raw (id, encoded) VALUES (?, ?)";

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    store.close();
    raw.close();
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public Object appendSingle() {
    return store.append(events.next());
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Object appendBatch100() {
    List<Event> batch = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) batch.add(events.next());
    return store.append(batch);
  }

  @Benchmark
  public void baselineRawInsertSingle() throws Exception {
    Event e = rawEvents.next();
    rawInsert.setBytes(1, e.id().bytes());
    rawInsert.setBytes(2, e.encoded());
    rawInsert.executeUpdate();
    raw.commit();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void baselineRawInsertBatch100() throws Exception {
    for (int i = 0; i < BATCH; i++) {
      Event e = rawEvents.next();
      rawInsert.setBytes(1, e.id().bytes());
      rawInsert.setBytes(2, e.encoded());
      rawInsert.addBatch();
    }
    rawInsert.executeBatch();
    raw.commit();
  }
}
