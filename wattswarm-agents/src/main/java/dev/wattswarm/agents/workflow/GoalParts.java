package dev.wattswarm.agents.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A goal larger than one event, recorded once as ordered {@code workflow.goal_part} events (slices
 * of its canonical bytes) that precede the plan event; the plan names their count and hash. The
 * goal is still written once: the steps refer to it instead of copying it.
 */
final class GoalParts {
  private GoalParts() {}

  /** The part payloads of {@code goal}, each within {@code maxEventPayload} bytes. */
  static List<ObjectNode> split(String workflowId, byte[] goal, int maxEventPayload) {
    // base64 grows 3 bytes to 4; leave room for the field names and the workflow id
    int slice = Math.max(3, (maxEventPayload - 512 - workflowId.length()) / 4 * 3);
    List<ObjectNode> parts = new ArrayList<>();
    int of = (goal.length + slice - 1) / slice;
    for (int i = 0; i < of; i++) {
      int from = i * slice;
      byte[] chunk = java.util.Arrays.copyOfRange(goal, from, Math.min(goal.length, from + slice));
      parts.add(CanonicalJson.object().put("workflow_id", workflowId).put("index", i).put("of", of)
          .put("data", Base64.getEncoder().encodeToString(chunk)));
    }
    return parts;
  }

  static String hash(byte[] goal) {
    return Hashes.hex(Hashes.sha256(goal));
  }

  /** Collects parts as the log is read. */
  static final class Pending {
    private final Map<String, TreeMap<Integer, byte[]>> byWorkflow = new java.util.HashMap<>();

    void add(JsonNode part) {
      byWorkflow.computeIfAbsent(part.path("workflow_id").asText(), k -> new TreeMap<>())
          .put(part.path("index").asInt(), Base64.getDecoder().decode(part.path("data").asText()));
    }

    /** The goal the plan event names, from its parts; fails when parts are missing or do not match the hash. */
    JsonNode assemble(String workflowId, int of, String sha256) {
      TreeMap<Integer, byte[]> parts = byWorkflow.remove(workflowId);
      if (parts == null || parts.size() != of) {
        throw new IllegalStateException("workflow " + workflowId + ": " + (parts == null ? 0 : parts.size()) + " of " + of + " goal parts in the log");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (byte[] p : parts.values()) out.writeBytes(p);
      byte[] goal = out.toByteArray();
      if (!hash(goal).equals(sha256)) throw new IllegalStateException("workflow " + workflowId + ": goal parts do not match the plan's hash");
      return CanonicalJson.parse(goal);
    }
  }
}
