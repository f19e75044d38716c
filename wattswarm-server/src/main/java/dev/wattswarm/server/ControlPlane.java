package dev.wattswarm.server;

import dev.wattswarm.node.Node;
import java.io.IOException;

/** Builds the control plane's routes over a running node and starts serving them. */
public final class ControlPlane {
  private ControlPlane() {}

  public static ControlServer start(Node node, dev.wattswarm.node.task.TaskService tasks,
      dev.wattswarm.node.p2p.NetworkRuntime network, dev.wattswarm.agents.AgentRuntime agents,
      dev.wattswarm.agents.workflow.WorkflowEngine workflows, String host, int port)
      throws IOException {
    return start(node, tasks, network, agents, workflows, null, host, port);
  }

  /** @param swarm the swarm view and leader lease, or null to serve without {@code /v1/swarm/*} */
  public static ControlServer start(Node node, dev.wattswarm.node.task.TaskService tasks,
      dev.wattswarm.node.p2p.NetworkRuntime network, dev.wattswarm.agents.AgentRuntime agents,
      dev.wattswarm.agents.workflow.WorkflowEngine workflows, SwarmParts swarm, String host, int port)
      throws IOException {
    SseHub sse = new SseHub(node.log(), 15_000);
    Router r = new Router();
    new NodeApi(node, network, agents == null ? java.util.Map::of : agents::counters, tasks::counters).register(r);
    new EventApi(node.store(), sse).register(r);
    new LogApi(node).register(r);
    new TaskApi(tasks, sse).register(r);
    new AgentApi(agents, node.nodeId().toString()).register(r);
    new WorkflowApi(workflows).register(r);
    if (swarm != null) new SwarmApi(node, swarm).register(r);
    return new ControlServer(host, port, node.stateDir().readToken(), r, sse);
  }
}
