package dev.wattswarm.server;

import dev.wattswarm.agents.AgentRuntime;
import dev.wattswarm.agents.workflow.WorkflowEngine;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.p2p.NetworkRuntime;
import dev.wattswarm.node.task.TaskService;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link ControlExtension} may build on: the running node's services, the route table, and
 * the control token (to check it, never to show it).
 *
 * @param network null when the node runs without networking
 * @param agents null when the node runs no agent runtime
 * @param workflows null when the node runs no workflow engine
 */
public record ControlContext(Node node, TaskService tasks, NetworkRuntime network, AgentRuntime agents,
    WorkflowEngine workflows, Router router, String token, List<Authenticator> authenticators) {

  /** Makes a context with an empty, mutable authenticator list. */
  public static ControlContext of(Node node, TaskService tasks, NetworkRuntime network, AgentRuntime agents,
      WorkflowEngine workflows, Router router, String token) {
    return new ControlContext(node, tasks, network, agents, workflows, router, token, new ArrayList<>());
  }

  /** Lets requests through {@code /v1/} on a credential this extension checks. */
  public void addAuthenticator(Authenticator a) {
    authenticators.add(a);
  }

  /** Installs every extension on the class path. */
  void installExtensions() {
    java.util.ServiceLoader.load(ControlExtension.class, ControlExtension.class.getClassLoader()).forEach(x -> x.install(this));
  }
}
