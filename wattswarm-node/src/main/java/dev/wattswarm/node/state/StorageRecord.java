package dev.wattswarm.node.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.store.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code storage.json}: which database holds this state dir's log, written when a node opens it.
 * Without it, a command run later without the same environment (say {@code log verify} on a
 * PostgreSQL node's dir) would open an empty SQLite file and report an empty log. It never holds
 * a password: that stays in {@code WATTSWARM_PG_PASSWORD} or the URL the user passes.
 */
public final class StorageRecord {
  public static final String FILE = "storage.json";

  private StorageRecord() {}

  /**
   * The store for this state dir: the environment's choice, completed by the record. A dir
   * recorded as PostgreSQL is opened on PostgreSQL unless the environment explicitly says SQLite,
   * which is refused rather than silently reading another, empty log.
   *
   * @throws IllegalArgumentException saying what to change
   */
  public static StoreConfig resolve(Path stateDir, Map<String, String> env) {
    Optional<JsonNode> rec = read(stateDir);
    if (rec.isEmpty() || !rec.get().path("backend").asText().equals("postgres")) return StoreConfig.fromEnv(stateDir, env);
    JsonNode r = rec.get();
    String asked = env.getOrDefault("WATTSWARM_STORAGE_BACKEND", "").trim().toLowerCase(java.util.Locale.ROOT);
    if (asked.equals("sqlite")) {
      throw new IllegalArgumentException("state dir " + stateDir + " keeps its log in PostgreSQL ("
          + r.path("pg_url").asText() + ", schema " + r.path("pg_schema").asText() + "; see " + FILE
          + "), not SQLite. Unset WATTSWARM_STORAGE_BACKEND to use it, or use a fresh state dir.");
    }
    Map<String, String> merged = new HashMap<>(env);
    merged.put("WATTSWARM_STORAGE_BACKEND", "postgres");
    merged.putIfAbsent("WATTSWARM_PG_URL", r.path("pg_url").asText());
    if (r.hasNonNull("pg_schema")) merged.putIfAbsent("WATTSWARM_PG_SCHEMA", r.path("pg_schema").asText());
    if (r.hasNonNull("pg_user")) merged.putIfAbsent("WATTSWARM_PG_USER", r.path("pg_user").asText());
    return StoreConfig.fromEnv(stateDir, merged);
  }

  /** Records where the log is; called once the store opened, so a typo never gets recorded. */
  public static void write(StateDir dir, StoreConfig store) {
    ObjectNode o = CanonicalJson.object();
    if (store.backend() == StoreConfig.Backend.POSTGRES) {
      o.put("backend", "postgres").put("pg_url", withoutPassword(store.pgUrl())).put("pg_schema", store.pgSchema());
      if (store.pgUser() != null && !store.pgUser().isBlank()) o.put("pg_user", store.pgUser());
    } else {
      o.put("backend", "sqlite").put("sqlite_path", store.sqlitePath().toString());
    }
    String text = CanonicalJson.encodeString(o) + "\n";
    Path f = dir.file(FILE);
    try {
      if (Files.exists(f) && Files.readString(f).equals(text)) return;
    } catch (IOException e) {
      // rewrite it below
    }
    dir.writeFile(FILE, text);
  }

  static Optional<JsonNode> read(Path stateDir) {
    Path f = stateDir.resolve(FILE);
    if (!Files.exists(f)) return Optional.empty();
    try {
      return Optional.of(CanonicalJson.parse(Files.readAllBytes(f)));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(f + " is not readable (" + e.getMessage() + "); restore it, or remove it if the"
          + " log is in SQLite in this directory");
    }
  }

  /** The URL with its password removed: the user part of {@code user:pw@} and any {@code password=} parameter. */
  static String withoutPassword(String url) {
    return url.replaceAll("(://[^:/@\\s]*):[^@/\\s]*@", "$1@").replaceAll("([?&])password=[^&]*&?", "$1").replaceAll("[?&]$", "");
  }
}
