package dev.wattswarm.node.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.task.TaskState;

/** What an executor is given: the task's inputs and policy, not the swarm's bookkeeping. */
public record TaskRequest(String taskId, String taskType, String prompt, ObjectNode inputs, String capability,
    String profile, int attempt) {
  public static TaskRequest of(TaskState s) {
    return new TaskRequest(s.taskId(), s.spec().taskType(), s.spec().prompt(), s.spec().inputs().deepCopy(),
        s.spec().capability(), s.spec().profile().wire(), s.attempt());
  }

  /** The wire form sent to HTTP executors. */
  public ObjectNode toJson() {
    ObjectNode o = CanonicalJson.object();
    o.put("task_id", taskId).put("task_type", taskType).put("prompt", prompt).put("capability", capability)
        .put("profile", profile).put("attempt", attempt);
    o.set("inputs", inputs.deepCopy());
    return o;
  }
}
