package dev.wattswarm.kernel.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.nio.charset.StandardCharsets;

/** Hashes of the lifecycle: a candidate's hash and a vote's commitment. */
public final class Votes {
  private Votes() {}

  /** SHA-256 of the canonical JSON of an output, hex. Equal answers hash equal on every node. */
  public static String candidateHash(JsonNode output) {
    return Hashes.hex(Hashes.sha256(CanonicalJson.encode(output)));
  }

  /** The commitment to a vote: SHA-256 of {@code candidate_hash ":" salt}, hex. */
  public static String commitment(String candidateHash, String salt) {
    return Hashes.hex(Hashes.sha256((candidateHash + ":" + salt).getBytes(StandardCharsets.UTF_8)));
  }

  /** The node part of an executor id {@code <node_id>/<name>}. */
  public static String nodeOf(String executor) {
    int slash = executor.indexOf('/');
    return slash < 0 ? executor : executor.substring(0, slash);
  }

  /** The executor id's owning node: executors are named {@code <node_id>/<name>}. */
  public static boolean ownedBy(String executor, String node) {
    return executor != null && executor.length() > node.length() + 1 && executor.startsWith(node)
        && executor.charAt(node.length()) == '/';
  }
}
