package dev.wattswarm.agents.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A workflow as its events tell it: the goal, its steps, which are done or failed, and the
 * synthesis. Immutable: the engine replaces a workflow's state with a new one per event, so HTTP
 * threads read a consistent snapshot without the engine's lock while steps finish.
 */
public final class WorkflowState {
  /** One part of the work: the goal, sent to an agent with this capability. */
  public record Step(String id, String capability) {}

  private final String id;
  private final JsonNode goal;
  private final Map<String, Step> steps;
  private final Map<String, JsonNode> done;
  private final Map<String, String> failed;
  private final JsonNode synthesis;

  private WorkflowState(String id, JsonNode goal, Map<String, Step> steps, Map<String, JsonNode> done, Map<String, String> failed,
      JsonNode synthesis) {
    this.id = id;
    this.goal = goal;
    this.steps = steps;
    this.done = done;
    this.failed = failed;
    this.synthesis = synthesis;
  }

  static WorkflowState planned(String id, JsonNode goal, List<Step> steps) {
    Map<String, Step> m = new LinkedHashMap<>();
    for (Step s : steps) m.put(s.id(), s);
    return new WorkflowState(id, goal, unmodifiable(m), Map.of(), Map.of(), null);
  }

  WorkflowState withDone(String stepId, JsonNode result) {
    Map<String, JsonNode> d = new LinkedHashMap<>(done);
    d.put(stepId, result);
    return new WorkflowState(id, goal, steps, unmodifiable(d), failed, synthesis);
  }

  WorkflowState withFailed(String stepId, String error) {
    Map<String, String> f = new LinkedHashMap<>(failed);
    f.put(stepId, error);
    return new WorkflowState(id, goal, steps, done, unmodifiable(f), synthesis);
  }

  WorkflowState withSynthesis(JsonNode s) {
    return new WorkflowState(id, goal, steps, done, failed, s);
  }

  private static <K, V> Map<K, V> unmodifiable(Map<K, V> m) {
    return java.util.Collections.unmodifiableMap(m); // keeps the insertion order Map.copyOf would lose
  }

  public String id() {
    return id;
  }

  JsonNode goal() {
    return goal;
  }

  Map<String, Step> steps() {
    return steps;
  }

  Map<String, JsonNode> done() {
    return done;
  }

  Map<String, String> failed() {
    return failed;
  }

  public boolean finished() {
    return synthesis != null;
  }

  public boolean stepSettled(String stepId) {
    return done.containsKey(stepId) || failed.containsKey(stepId);
  }

  /** Whether every step is done or failed: only then may the workflow be sealed. */
  public boolean allSettled() {
    return steps.keySet().stream().allMatch(this::stepSettled);
  }

  public ObjectNode toJson() {
    ObjectNode o = CanonicalJson.object();
    o.put("workflow_id", id).put("state", finished() ? "finished" : "running");
    o.set("goal", goal);
    var st = o.putObject("steps");
    for (Step s : steps.values()) {
      ObjectNode j = st.putObject(s.id());
      j.put("capability", s.capability());
      j.put("state", done.containsKey(s.id()) ? "done" : failed.containsKey(s.id()) ? "failed" : "pending");
      if (done.containsKey(s.id())) j.set("result", done.get(s.id()));
      if (failed.containsKey(s.id())) j.put("error", failed.get(s.id()));
    }
    if (synthesis != null) o.set("synthesis", synthesis);
    return o;
  }
}
