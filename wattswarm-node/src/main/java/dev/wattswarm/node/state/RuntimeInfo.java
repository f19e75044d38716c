package dev.wattswarm.node.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The contents of {@code runtime.json}: how other commands find a running node.
 *
 * @param pid the node process
 * @param controlUrl base URL of the control plane, e.g. http://127.0.0.1:7777
 * @param p2pAddr host:port the P2P substrate listens on, or "" when networking is off
 * @param publicUrl base URL of the public listener, or "" when it is off (then absent from the file)
 */
public record RuntimeInfo(long pid, String nodeId, String networkId, String mode, String controlUrl,
    String p2pAddr, String version, long startedAtMs, String storage, String publicUrl) {

  public RuntimeInfo(long pid, String nodeId, String networkId, String mode, String controlUrl, String p2pAddr, String version,
      long startedAtMs, String storage) {
    this(pid, nodeId, networkId, mode, controlUrl, p2pAddr, version, startedAtMs, storage, "");
  }

  public String toJson() {
    ObjectNode o = CanonicalJson.object();
    o.put("pid", pid).put("node_id", nodeId).put("network_id", networkId).put("mode", mode)
        .put("control_url", controlUrl).put("p2p_addr", p2pAddr).put("version", version)
        .put("started_at_ms", startedAtMs).put("storage", storage);
    if (publicUrl != null && !publicUrl.isEmpty()) o.put("public_url", publicUrl);
    return o.toPrettyString() + "\n";
  }

  public static Optional<RuntimeInfo> read(Path p) {
    try {
      if (!Files.exists(p)) return Optional.empty();
      JsonNode n = CanonicalJson.parse(Files.readAllBytes(p));
      return Optional.of(new RuntimeInfo(n.path("pid").asLong(), n.path("node_id").asText(),
          n.path("network_id").asText(), n.path("mode").asText(), n.path("control_url").asText(),
          n.path("p2p_addr").asText(), n.path("version").asText(), n.path("started_at_ms").asLong(),
          n.path("storage").asText(), n.path("public_url").asText("")));
    } catch (java.io.IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** True when the recorded process is alive (a file left by kill -9 is stale). */
  public boolean processAlive() {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
