package dev.wattswarm.server;

import dev.wattswarm.node.Node;
import java.io.IOException;

/** Builds the control plane's routes over a running node and starts serving them. */
public final class ControlPlane {
  private ControlPlane() {}

  /**
   * What the control plane serves, one domain per field; a domain left null serves no routes.
   *
   * @param node the running node (events, log, identity); never null
   * @param tasks task submission and queries; never null
   * @param network the p2p runtime, or null for a local node (groups then answer 409)
   * @param agents the agent runtime, or null
   * @param workflows the workflow engine, or null
   * @param social relationships and DMs, or null
   * @param swarm the swarm view and leader lease, or null to serve without {@code /v1/swarm/*}
   * @param economy the node's wallet, missions and hives, or null
   */
  public record Parts(Node node, dev.wattswarm.node.task.TaskService tasks, dev.wattswarm.node.p2p.NetworkRuntime network,
      dev.wattswarm.agents.AgentRuntime agents, dev.wattswarm.agents.workflow.WorkflowEngine workflows,
      dev.wattswarm.social.Social social, SwarmParts swarm, dev.wattswarm.economy.Economy economy) {}

  /** Registers every domain's routes and serves them on host:port (0 = a free port). */
  public static ControlServer start(Parts parts, String host, int port) throws IOException {
    Node node = parts.node();
    var tasks = parts.tasks();
    var network = parts.network();
    var agents = parts.agents();
    var workflows = parts.workflows();
    var social = parts.social();
    var swarm = parts.swarm();
    var economy = parts.economy();
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
