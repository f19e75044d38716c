package dev.wattswarm.node.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.state.StateDir;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code discovery_bootnode_urls_v1.json}: the discovery URLs this node learned from the network
 * (through its neighbours, over authenticated links), kept across restarts and polled for fresh
 * signed records. {@code {"version": 1, "urls": [...], "updated_at_ms": N}}. Bounded, and only
 * http(s) URLs: a URL only tells the node where to fetch records, each of which is verified on
 * its own, so a bad URL costs a failed fetch and nothing more.
 */
public final class BootnodeUrls {
  public static final String FILE = "discovery_bootnode_urls_v1.json";
  public static final int MAX_URLS = 16;
  static final int MAX_URL_CHARS = 512;

  private final StateDir dir;
  private final Set<String> urls = new LinkedHashSet<>();

  public BootnodeUrls(StateDir dir) {
    this.dir = dir;
    urls.addAll(read(dir));
  }

  public static boolean valid(String u) {
    return u != null && u.length() <= MAX_URL_CHARS && (u.startsWith("http://") || u.startsWith("https://"))
        && u.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '\\');
  }

  /** URLs in a damaged file are skipped one by one; an unreadable file is an empty list. */
  static List<String> read(StateDir dir) {
    List<String> out = new ArrayList<>();
    try {
      if (!Files.exists(dir.file(FILE))) return out;
      JsonNode n = CanonicalJson.parse(Files.readAllBytes(dir.file(FILE)));
      for (JsonNode u : n.path("urls")) {
        if (u.isTextual() && valid(u.asText()) && out.size() < MAX_URLS) out.add(u.asText());
      }
    } catch (IOException | IllegalArgumentException ignored) {
      // advisory file: the node still learns URLs from its neighbours
    }
    return out;
  }

  public synchronized List<String> urls() {
    return List.copyOf(urls);
  }

  /**
   * Adds new valid URLs (up to the bound) and writes the file when something changed.
   *
   * @return whether anything was added
   */
  public synchronized boolean learn(Iterable<String> learned, long nowMs) {
    boolean changed = false;
    for (String u : learned) {
      if (urls.size() >= MAX_URLS) break;
      if (valid(u) && urls.add(u)) changed = true;
    }
    if (changed) write(nowMs);
    return changed;
  }

  private void write(long nowMs) {
    ObjectNode o = CanonicalJson.object().put("version", 1);
    ArrayNode a = o.putArray("urls");
    urls.forEach(a::add);
    o.put("updated_at_ms", nowMs);
    try {
      dir.writeFile(FILE, o.toPrettyString() + "\n");
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(BootnodeUrls.class).warn("could not write {}: {}", FILE, e.getMessage());
    }
  }
}
