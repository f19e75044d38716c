package dev.wattswarm.server;

import dev.wattswarm.node.config.Mode;
import dev.wattswarm.node.task.Executor;
import dev.wattswarm.node.task.ExecutorsFile;
import dev.wattswarm.node.task.TaskRuntime;
import java.util.List;

import dev.wattswarm.node.Node;
import dev.wattswarm.node.Projections;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.RuntimeInfo;
import dev.wattswarm.node.state.StateDir;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * A node with its control plane, as {@code node up} and the demo run it: everything started in
 * order, {@code runtime.json} written only once the node answers, and removed first on close so
 * no client is sent to a node that is going away.
 */
public final class NodeHost implements AutoCloseable {
  private final Node node;
  private final ControlServer control;
  private final TaskRuntime tasks;

  private NodeHost(Node node, ControlServer control, TaskRuntime tasks) {
    this.node = node;
    this.control = control;
    this.tasks = tasks;
  }

  /** Runs the executors of {@code executors.json} in the state dir, or the default rules executors. */
  public static NodeHost start(NodeConfig config, StateDir dir, Clock clock, SecureRandom random) throws IOException {
    return start(config, dir, clock, random, null);
  }

  /** @param executors this node's executors, or null to read {@code executors.json} */
  public static NodeHost start(NodeConfig config, StateDir dir, Clock clock, SecureRandom random, List<Executor> executors)
      throws IOException {
    List<Executor> execs = executors != null ? executors : ExecutorsFile.load(dir.root());
    Node node = Node.open(config, dir, clock, random, Projections.all());
    ControlServer control;
    TaskRuntime tasks;
    try {
      tasks = TaskRuntime.start(node, execs, config.mode() != Mode.LOCAL && config.p2pEnabled());
      control = ControlPlane.start(node, tasks.service(), config.controlHost(), config.controlPort());
    } catch (IOException | RuntimeException e) {
      node.close();
      throw e;
    }
    NodeHost host = new NodeHost(node, control, tasks);
    try {
      node.announceStart(control.url());
      dir.writeRuntime(new RuntimeInfo(ProcessHandle.current().pid(), node.nodeId().toString(), node.networkId(),
          config.mode().wire(), control.url(), "", node.version(), node.startedAtMs(), node.store().backend()));
    } catch (RuntimeException e) {
      host.close();
      throw e;
    }
    return host;
  }

  public Node node() {
    return node;
  }

  public TaskRuntime tasks() {
    return tasks;
  }

  public String controlUrl() {
    return control.url();
  }

  @Override
  public void close() {
    node.stateDir().deleteRuntime();
    control.close();
    node.close();
  }
}
