package dev.wattswarm.agents.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.util.LinkedHashMap;
import java.util.Map;

/** A workflow as its events tell it: the goal, its steps, which are done or failed, and the synthesis. */
public final class WorkflowState {
  public record Step(String id, String capability, JsonNode body) {}

  final String id;
  final JsonNode goal;
  final Map<String, Step> steps = new LinkedHashMap<>();
  final Map<String, JsonNode> done = new LinkedHashMap<>();
  final Map<String, String> failed = new LinkedHashMap<>();
  JsonNode synthesis;

  WorkflowState(String id, JsonNode goal) {
    this.id = id;
    this.goal = goal;
  }

  public String id() {
    return id;
  }

  public boolean finished() {
    return synthesis != null;
  }

  public boolean stepSettled(String stepId) {
    return done.containsKey(stepId) || failed.containsKey(stepId);
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
