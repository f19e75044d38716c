package dev.wattswarm.server;

import dev.wattswarm.kernel.task.TaskEventTypes;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.p2p.NetworkRuntime;
import dev.wattswarm.node.swarm.GossipLeaderElection;
import dev.wattswarm.node.swarm.KvLeaderElection;
import dev.wattswarm.node.swarm.LeaderElection;
import dev.wattswarm.node.swarm.SwarmConfig;
import dev.wattswarm.node.swarm.SwarmView;
import dev.wattswarm.node.task.TaskRuntime;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node-level swarm view and the leader lease of a running node, on whichever substrate it
 * uses: what this node says about itself (role from its agents, load and capacity from its
 * executors and agents), and the seed's log lines for tasks this node coordinates.
 */
public record SwarmParts(SwarmView view, LeaderElection leader, NetworkRuntime network, RecentTasks recent) {
  private static final Logger log = LoggerFactory.getLogger("dev.wattswarm.swarm");

  static SwarmParts start(Node node, NetworkRuntime net, TaskRuntime tasks, dev.wattswarm.agents.AgentRuntime agents, SwarmConfig swarm) {
    SwarmConfig cfg = net != null ? net.swarm() : swarm;
    var substrate = net == null ? null : net.substrate();
    SwarmView view = node.manage(new SwarmView(node, substrate, cfg, () -> self(tasks, agents)));
    LeaderElection leader;
    if (substrate instanceof dev.wattswarm.nats.NatsSubstrate ns) {
      leader = new KvLeaderElection(ns.networkBucket(), node.key(), node.networkId(), node.clock(), cfg.leaseMs(), true);
    } else {
      leader = new GossipLeaderElection(substrate, node.key(), node.networkId(), node.clock(), cfg.leaseMs(), true);
    }
    node.manage(leader);
    tasks.sweepLeader(leader::heldTerm);
    String me = node.nodeId().toString();
    RecentTasks recent = new RecentTasks();
    tasks.tracker().subscribe(c -> {
      if (!me.equals(c.after().coordinator())) return;
      String type = c.event().type();
      String id = c.after().taskId();
      long at = c.event().createdAtMs();
      if (type.equals(TaskEventTypes.ASSIGNED) || type.equals(TaskEventTypes.CLAIMED)) {
        String ex = executorOf(c.event().payload());
        log.info("Task assigned: {} to {}", id, ex);
        recent.add(id, "assigned", ex, at);
      } else if (type.equals(TaskEventTypes.FINALIZED)) {
        log.info("Task completed: {}", id);
        recent.add(id, "completed", c.after().result() == null ? "" : c.after().result().executor(), at);
      } else if (c.after().phase().terminal()) {
        recent.add(id, c.after().phase().wire(), "", at);
      }
    });
    return new SwarmParts(view, leader, net, recent);
  }

  private static String executorOf(byte[] payload) {
    try {
      return dev.wattswarm.kernel.json.CanonicalJson.parse(payload).path("executor").asText("?");
    } catch (RuntimeException e) {
      return "?";
    }
  }

  private static SwarmView.Self self(TaskRuntime tasks, dev.wattswarm.agents.AgentRuntime agents) {
    int load = 0;
    int cap = 0;
    for (var s : tasks.executors().slots()) {
      load += s.running();
      cap += s.executor().maxConcurrent();
    }
    String role = "worker";
    List<String> names = new ArrayList<>();
    if (agents != null) {
      boolean coordinator = false;
      boolean specialist = false;
      for (var a : agents.localAgents()) {
        names.add(a.spec().name());
        load += a.load();
        cap += a.spec().maxConcurrent();
        coordinator |= a.spec().role() == dev.wattswarm.agents.Role.COORDINATOR;
        specialist |= a.spec().role() == dev.wattswarm.agents.Role.SPECIALIST;
      }
      role = coordinator ? "coordinator" : specialist ? "specialist" : "worker";
    }
    return new SwarmView.Self(role, load, cap, names);
  }
}
