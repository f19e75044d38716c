package dev.wattswarm.kernel.social;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.identity.NodeId;
import java.nio.charset.StandardCharsets;

/**
 * The stable name of a two-party thread: the same for both parties whatever the argument order,
 * different for every pair. 128 bits of SHA-256 over the sorted ids keep the scope id short.
 */
public final class PairDigest {
  public static final String DM_PREFIX = "dm-";

  private PairDigest() {}

  public static String of(NodeId a, NodeId b) {
    String x = a.toString();
    String y = b.toString();
    String lo = x.compareTo(y) <= 0 ? x : y;
    String hi = lo.equals(x) ? y : x;
    byte[] h = Hashes.sha256(("wattswarm-dm-pair-v1|" + lo + "|" + hi).getBytes(StandardCharsets.UTF_8));
    return Hashes.hex(h).substring(0, 32);
  }

  /** {@code group:dm-<digest>}: the pair's DM thread. */
  public static Scope dmScope(NodeId a, NodeId b) {
    return Scope.of("group", DM_PREFIX + of(a, b));
  }

  public static boolean isDmScope(Scope s) {
    return s.kind() == Scope.Kind.GROUP && s.id().startsWith(DM_PREFIX);
  }
}
