package dev.wattswarm.node.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/** An executor that works for one of the node's agents: the agent's account is paid for its wins. */
record AgentExecutor(Executor inner, String agent) implements Executor {
  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public Set<String> capabilities() {
    return inner.capabilities();
  }

  @Override
  public int maxConcurrent() {
    return inner.maxConcurrent();
  }

  @Override
  public JsonNode execute(TaskRequest task) throws Exception {
    return inner.execute(task);
  }

  @Override
  public Verdict verify(TaskRequest task, JsonNode candidate) throws Exception {
    return inner.verify(task, candidate);
  }

  @Override
  public ObjectNode status() {
    return inner.status().deepCopy().put("agent", agent);
  }
}
