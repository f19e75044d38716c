package dev.wattswarm.store;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where and how the event log is stored.
 *
 * @param backend which database
 * @param sqlitePath the SQLite file (default {@code <state dir>/wattswarm.db})
 * @param sync SQLite durability: NORMAL survives a process crash (kill -9), FULL also survives a
 *     power loss at the cost of one fsync per commit
 * @param pgUrl JDBC URL of the PostgreSQL database ({@code jdbc:postgresql://host:port/db}); a
 *     {@code postgres://} URL is accepted too
 * @param pgUser user, or null to take it from the URL
 * @param pgPassword password, or null
 * @param pgSchema schema holding wattswarm's tables, created if missing; one node per schema
 * @param readConnections size of the read connection pool
 */
public record StoreConfig(
    Backend backend,
    Path sqlitePath,
    Sync sync,
    String pgUrl,
    String pgUser,
    String pgPassword,
    String pgSchema,
    int readConnections) {

  public enum Backend { SQLITE, POSTGRES }

  public enum Sync { NORMAL, FULL }

  public StoreConfig {
    if (backend == null) throw new IllegalArgumentException("store backend is required");
    if (backend == Backend.SQLITE && sqlitePath == null) {
      throw new IllegalArgumentException("the SQLite backend needs a file path");
    }
    if (backend == Backend.POSTGRES && (pgUrl == null || pgUrl.isBlank())) {
      throw new IllegalArgumentException(
          "WATTSWARM_STORAGE_BACKEND=postgres needs WATTSWARM_PG_URL, e.g."
              + " jdbc:postgresql://127.0.0.1:5432/wattswarm");
    }
    if (pgSchema == null || pgSchema.isBlank()) pgSchema = "wattswarm";
    if (!pgSchema.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException(
          "WATTSWARM_PG_SCHEMA '" + pgSchema + "' must be lower-case letters, digits and '_'");
    }
    if (sync == null) sync = Sync.NORMAL;
    if (readConnections < 1) readConnections = 4;
  }

  public static StoreConfig sqlite(Path file) {
    return new StoreConfig(Backend.SQLITE, file, Sync.NORMAL, null, null, null, null, 4);
  }

  public static StoreConfig postgres(String url, String user, String password, String schema) {
    return new StoreConfig(Backend.POSTGRES, null, Sync.NORMAL, url, user, password, schema, 4);
  }

  /**
   * Reads WATTSWARM_STORAGE_BACKEND (sqlite | postgres), WATTSWARM_SQLITE_PATH,
   * WATTSWARM_SQLITE_SYNC (normal | full), WATTSWARM_PG_URL, WATTSWARM_PG_USER,
   * WATTSWARM_PG_PASSWORD, WATTSWARM_PG_SCHEMA.
   *
   * @throws IllegalArgumentException naming the variable that is wrong
   */
  public static StoreConfig fromEnv(Path stateDir, Map<String, String> env) {
    String b = env.getOrDefault("WATTSWARM_STORAGE_BACKEND", "sqlite").trim().toLowerCase(Locale.ROOT);
    Backend backend =
        switch (b) {
          case "", "sqlite" -> Backend.SQLITE;
          case "postgres", "postgresql", "pg" -> Backend.POSTGRES;
          default ->
              throw new IllegalArgumentException(
                  "WATTSWARM_STORAGE_BACKEND='" + b + "' is not a backend: use sqlite or postgres");
        };
    String s = env.getOrDefault("WATTSWARM_SQLITE_SYNC", "normal").trim().toUpperCase(Locale.ROOT);
    Sync sync;
    try {
      sync = Sync.valueOf(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("WATTSWARM_SQLITE_SYNC='" + s + "' must be normal or full");
    }
    String path = env.get("WATTSWARM_SQLITE_PATH");
    Path file = path == null || path.isBlank() ? stateDir.resolve("wattswarm.db") : Path.of(path);
    return new StoreConfig(backend, file, sync, env.get("WATTSWARM_PG_URL"), env.get("WATTSWARM_PG_USER"),
        env.get("WATTSWARM_PG_PASSWORD"), env.get("WATTSWARM_PG_SCHEMA"), 4);
  }

  /** Where the data lives, for status output (never includes a password). */
  public String describe() {
    return backend == Backend.SQLITE
        ? "sqlite:" + sqlitePath
        : "postgres:" + dev.wattswarm.kernel.Secrets.redact(pgUrl) + " schema " + pgSchema;
  }

  /** Like {@link #describe()}: a record's default toString would print the password. */
  @Override
  public String toString() {
    return "StoreConfig[" + describe() + "]";
  }
}
