package dev.wattswarm.server.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Gateway API keys in {@code DIR/gateway_keys.json} (mode 0600): only each key's SHA-256 is kept,
 * so the file alone lets nobody in. A key is 256 random bits, which makes a plain hash as good as a
 * slow one. The CLI edits the file (under a lock, replaced atomically); the running node checks the
 * file's identity (inode, size, mtime) on each authentication and re-reads it when it changed, so
 * a revoke takes effect at the next request, with or without a running node, and no control-plane
 * call is needed.
 *
 * <p>Thread-safe.
 */
public final class GatewayKeys {
  public static final String FILE = "gateway_keys.json";
  public static final String PREFIX = "wsgk_";
  static final int MAX_KEYS = 1000;
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /**
   * One key as stored: its name, its hash, when it was made, what it may do, and until when.
   *
   * @param scopes what the key may do; every scope for a key made without any
   * @param expiresAtMs when it stops working (epoch ms); 0 for never
   */
  public record Entry(String name, String hash, long createdAtMs, Set<Scope> scopes, long expiresAtMs) {
    public Entry {
      scopes = scopes.isEmpty() ? Scope.all() : java.util.Collections.unmodifiableSet(EnumSet.copyOf(scopes));
    }

    public boolean expired(long nowMs) {
      return expiresAtMs > 0 && nowMs >= expiresAtMs;
    }
  }

  private final Path file;
  private Object seenIdentity;
  private Map<String, Entry> byHash = Map.of();

  public GatewayKeys(Path stateDir) {
    this.file = stateDir.resolve(FILE);
  }

  /**
   * The stored key when {@code presented} is one, read from the file as it is now (expired or
   * not: the caller says which, and why).
   */
  public synchronized Optional<Entry> verify(String presented) {
    if (presented == null || !presented.startsWith(PREFIX) || presented.length() > 128) return Optional.empty();
    refresh();
    return Optional.ofNullable(byHash.get(hash(presented)));
  }

  /** Makes a key named {@code name} that may do everything and never expires. */
  public String create(String name, SecureRandom random, Clock clock) {
    return create(name, Set.of(), null, random, clock);
  }

  /**
   * Makes a key named {@code name}; the returned secret is shown once and never stored.
   *
   * @param scopes what it may do; empty for everything
   * @param expiresIn how long it works; null for ever
   */
  public String create(String name, Set<Scope> scopes, java.time.Duration expiresIn, SecureRandom random, Clock clock) {
    if (expiresIn != null && (expiresIn.isNegative() || expiresIn.isZero())) throw new IllegalArgumentException("--expires-in must be longer than 0");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("key name '" + clip(name) + "' must be 1-64 letters, digits, '.', '_' or '-'");
    }
    byte[] raw = new byte[32];
    random.nextBytes(raw);
    String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    edit(entries -> {
      if (entries.stream().anyMatch(e -> e.name().equals(name))) {
        throw new IllegalArgumentException("a key named '" + name + "' exists; revoke it first or pick another name");
      }
      if (entries.size() >= MAX_KEYS) throw new IllegalArgumentException("there are already " + MAX_KEYS + " keys; revoke some first");
      long now = clock.millis();
      entries.add(new Entry(name, hash(key), now, scopes, expiresIn == null ? 0 : Math.addExact(now, expiresIn.toMillis())));
    });
    return key;
  }

  /** @return whether a key of that name existed */
  public boolean revoke(String name) {
    boolean[] found = {false};
    edit(entries -> found[0] = entries.removeIf(e -> e.name().equals(name)));
    return found[0];
  }

  /** @throws IllegalStateException saying what to do when the file cannot be read or parsed */
  public List<Entry> list() {
    try {
      return readOrExplain();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The entries, or one line saying the file is damaged (not JSON, an unknown scope) and what to do. */
  private List<Entry> readOrExplain() throws IOException {
    try {
      return read();
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(file + " is damaged (" + e.getMessage() + "); the node lets no key in until it is "
          + "fixed or removed (then make the keys again)", e);
    }
  }

  private interface Edit {
    void apply(List<Entry> entries);
  }

  private void edit(Edit edit) {
    Path lock = file.resolveSibling(FILE + ".lock");
    try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE); var l = ch.lock()) {
      List<Entry> entries = new ArrayList<>(readOrExplain());
      edit.apply(entries);
      write(entries);
    } catch (IOException e) {
      throw new IllegalStateException("cannot update " + file + ": " + e.getMessage(), e);
    }
  }

  private void refresh() {
    Object identity;
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      identity = List.of(String.valueOf(a.fileKey()), a.size(), a.lastModifiedTime().toMillis());
    } catch (NoSuchFileException e) {
      identity = "absent";
    } catch (IOException e) {
      return; // keep what we had: a transient error must not let anyone in, and keeps known keys working
    }
    if (identity.equals(seenIdentity)) return;
    try {
      Map<String, Entry> m = new LinkedHashMap<>();
      for (Entry e : read()) m.put(e.hash(), e);
      byHash = m;
      seenIdentity = identity;
    } catch (IOException | IllegalArgumentException e) {
      byHash = Map.of(); // an unreadable file revokes everything rather than keeping stale keys alive
      seenIdentity = null;
    }
  }

  private List<Entry> read() throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    JsonNode root = CanonicalJson.parse(bytes);
    List<Entry> out = new ArrayList<>();
    for (JsonNode k : root.path("keys")) {
      Set<Scope> scopes = EnumSet.noneOf(Scope.class);
      for (JsonNode sc : k.path("scopes")) scopes.add(Scope.parse(sc.asText())); // an unknown scope fails the whole file: refuse all
      out.add(new Entry(k.path("name").asText(), k.path("sha256").asText(), k.path("created_at_ms").asLong(), scopes,
          k.path("expires_at_ms").asLong(0)));
    }
    return out;
  }

  private void write(List<Entry> entries) throws IOException {
    ObjectNode root = CanonicalJson.object().put("version", 1);
    ArrayNode arr = root.putArray("keys");
    for (Entry e : entries) {
      ObjectNode k = arr.addObject().put("name", e.name()).put("sha256", e.hash()).put("created_at_ms", e.createdAtMs());
      if (!e.scopes().equals(Scope.all())) {
        ArrayNode sc = k.putArray("scopes");
        e.scopes().forEach(x -> sc.add(x.wire()));
      }
      if (e.expiresAtMs() > 0) k.put("expires_at_ms", e.expiresAtMs());
    }
    Path tmp = file.resolveSibling(FILE + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(tmp, (root.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8));
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static String hash(String key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
