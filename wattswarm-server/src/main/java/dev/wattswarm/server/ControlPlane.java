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

  /** @param economy the node's wallet and missions, or null to serve no economy routes */
  public static ControlServer start(Node node, dev.wattswarm.node.task.TaskService tasks,
      dev.wattswarm.node.p2p.NetworkRuntime network, dev.wattswarm.agents.AgentRuntime agents,
      dev.wattswarm.agents.workflow.WorkflowEngine workflows, dev.wattswarm.economy.Economy economy, String host, int port)
      throws IOException {
    SseHub sse = new SseHub(node.log(), 15_000);
    Router r = new Router();
    NodeApi nodeApi = new NodeApi(node, network, agents == null ? java.util.Map::of : agents::counters, tasks::counters);
    if (economy != null) nodeApi.economy(economy::status);
    nodeApi.register(r);
    if (economy != null) new EconomyApi(economy).register(r);
    new EventApi(node.store(), sse).register(r);
    new LogApi(node).register(r);
    new TaskApi(tasks, sse).register(r);
    new AgentApi(agents, node.nodeId().toString()).register(r);
    new WorkflowApi(workflows).register(r);
    return new ControlServer(host, port, node.stateDir().readToken(), r, sse);
  }
}
