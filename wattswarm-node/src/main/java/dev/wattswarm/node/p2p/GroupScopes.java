package dev.wattswarm.node.p2p;

import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.node.state.StateDir;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The group scopes an operator chose: {@code WATTSWARM_P2P_GROUP_IDS} at start, plus
 * {@code groups.txt} in the state dir (one id a line), which {@code group join|leave} keep so a
 * restarted node is in the same groups. Ids starting with {@code dm-} are reserved for direct
 * message threads, which only their two parties may hold.
 */
public final class GroupScopes {
  public static final String FILE = "groups.txt";
  public static final String ENV = "WATTSWARM_P2P_GROUP_IDS";
  /** Each group takes five topics; the subscription directory accepts 64 scoped topics per node. */
  public static final int MAX_GROUPS = 8;

  private GroupScopes() {}

  /** The group scope for an operator-given id. */
  public static Scope parse(String id) {
    if (id == null || id.isBlank()) throw new IllegalArgumentException("a group id is required, e.g. `group join team-x`");
    String g = id.strip();
    if (g.startsWith("dm-")) {
      throw new IllegalArgumentException("group id '" + g + "' is reserved: dm-* groups are direct message threads"
          + " (use `relationship request` and `dm send`)");
    }
    return Scope.of("group", g);
  }

  /** Groups named by {@code WATTSWARM_P2P_GROUP_IDS} (comma separated). */
  public static List<Scope> fromEnv(Map<String, String> env) {
    String v = env.get(ENV);
    List<Scope> out = new ArrayList<>();
    if (v == null || v.isBlank()) return out;
    for (String part : v.split(",")) {
      if (part.isBlank()) continue;
      try {
        out.add(parse(part));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(ENV + ": " + e.getMessage());
      }
    }
    return out;
  }

  /** Groups remembered in the state dir; a damaged line costs that group, not the start. */
  public static List<Scope> read(StateDir dir) {
    List<Scope> out = new ArrayList<>();
    try {
      if (!Files.exists(dir.file(FILE))) return out;
      for (String line : Files.readAllLines(dir.file(FILE))) {
        try {
          if (!line.isBlank()) out.add(parse(line));
        } catch (IllegalArgumentException ignored) {
          // skip it
        }
      }
    } catch (IOException ignored) {
      // advisory file
    }
    return out;
  }

  static synchronized void write(StateDir dir, Set<Scope> groups) {
    StringBuilder sb = new StringBuilder();
    for (Scope g : new LinkedHashSet<>(groups)) sb.append(g.id()).append('\n');
    dir.writeFile(FILE, sb.toString());
  }
}
