package dev.wattswarm.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.util.ArrayDeque;
import java.util.Deque;

/** The last few task changes this node coordinated (assigned, completed, failed), newest first, for the dashboard. */
final class RecentTasks {
  private static final int MAX = 20;
  private final Deque<ObjectNode> items = new ArrayDeque<>();

  synchronized void add(String taskId, String what, String executor, long atMs) {
    items.removeIf(o -> o.path("task_id").asText().equals(taskId));
    ObjectNode o = CanonicalJson.object().put("task_id", taskId).put("state", what).put("executor", executor).put("at_ms", atMs);
    items.addFirst(o);
    while (items.size() > MAX) items.removeLast();
  }

  synchronized ArrayNode toJson() {
    ArrayNode a = CanonicalJson.MAPPER.createArrayNode();
    items.forEach(o -> a.add(o.deepCopy()));
    return a;
  }
}
