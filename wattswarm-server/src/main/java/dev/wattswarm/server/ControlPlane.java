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
    return start(node, tasks, network, agents, workflows, host, port, null, null, null);
  }

  /**
   * @param social relationships and DMs, or null to serve none
   * @param swarm the swarm view and leader lease, or null to serve without {@code /v1/swarm/*}
   * @param economy the node's wallet and missions, or null to serve no economy routes
   */
  public static ControlServer start(Node node, dev.wattswarm.node.task.TaskService tasks,
      dev.wattswarm.node.p2p.NetworkRuntime network, dev.wattswarm.agents.AgentRuntime agents,
      dev.wattswarm.agents.workflow.WorkflowEngine workflows, String host, int port, dev.wattswarm.social.Social social,
      SwarmParts swarm, dev.wattswarm.economy.Economy economy)
      throws IOException {
    SseHub sse = new SseHub(node.log(), 15_000);
    Router r = new Router();
    NodeApi nodeApi = new NodeApi(node, network, agents == null ? java.util.Map::of : agents::counters, tasks::counters)
        .executors(tasks::executors);
    if (economy != null) nodeApi.economy(economy::status);
    nodeApi.register(r);
    if (economy != null) new EconomyApi(economy).register(r);
    new EventApi(node.store(), sse).register(r);
    new LogApi(node).register(r);
    new TaskApi(tasks, sse).register(r);
    new AgentApi(agents, node.nodeId().toString()).register(r);
    new WorkflowApi(workflows).register(r);
    new GroupApi(network).register(r);
    if (social != null) new SocialApi(social).register(r);
    if (swarm != null) new SwarmApi(node, swarm).register(r);
    var metrics = node.manage(new dev.wattswarm.server.metrics.NodeMetrics(node, tasks, network));
    new dev.wattswarm.server.metrics.MetricsApi(metrics).register(r);
    var mcp = node.manage(new dev.wattswarm.server.mcp.McpHttpEndpoint(node.version()));
    mcp.register(r);
    String token = node.stateDir().readToken();
    ControlContext ctx = ControlContext.of(node, tasks, network, agents, workflows, r, token);
    ctx.installExtensions();
    ControlServer server = new ControlServer(host, port, token, r, sse, ctx.authenticators());
    server.observe(metrics.requests());
    // MCP tools call this control plane like any client; agent requests may wait up to 10 minutes
    mcp.start(new dev.wattswarm.server.mcp.HttpControlCalls(server.url(), token, java.time.Duration.ofMinutes(11)));
    return server;
  }
}
