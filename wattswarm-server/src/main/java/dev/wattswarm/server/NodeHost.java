package dev.wattswarm.server;

import dev.wattswarm.node.config.Mode;
import dev.wattswarm.node.network.Networks;
import dev.wattswarm.node.network.StartupConfig;
import dev.wattswarm.node.p2p.NetworkRuntime;
import dev.wattswarm.node.task.Executor;
import dev.wattswarm.node.task.ExecutorsFile;
import dev.wattswarm.node.task.TaskRuntime;
import dev.wattswarm.server.publicapi.PublicConfig;
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
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(NodeHost.class);
  private final Node node;
  private final ControlServer control;
  private final TaskRuntime tasks;
  private final NetworkRuntime network;
  private final dev.wattswarm.agents.AgentRuntime agents;
  private dev.wattswarm.social.Social social;

  /** This node's relationships and DMs. */
  public dev.wattswarm.social.Social social() {
    return social;
  }
  private dev.wattswarm.server.publicapi.PublicListener publicListener;
  private dev.wattswarm.node.discovery.DiscoveryService discovery;
  private SwarmParts swarm;
  private dev.wattswarm.economy.Economy economy;

  /** The WATT ledger, missions, ServiceNet and oracles of this node. */
  public dev.wattswarm.economy.Economy economy() {
    return economy;
  }

  private NodeHost(Node node, ControlServer control, TaskRuntime tasks, NetworkRuntime network,
      dev.wattswarm.agents.AgentRuntime agents) {
    this.node = node;
    this.control = control;
    this.tasks = tasks;
    this.network = network;
    this.agents = agents;
  }


  /** This node's agents, and through {@code agents().client(name)} their PeerClients. */
  public dev.wattswarm.agents.AgentRuntime agents() {
    return agents;
  }

  /** The swarm connection, or null in local mode or with WATTSWARM_P2P_ENABLED=false. */
  public NetworkRuntime network() {
    return network;
  }

  /**
   * What an embedder may choose when starting a node, immutable; every field has a default, so
   * {@code Options.defaults()} is what {@code start} without options uses. Build with the withers:
   * {@code Options.defaults().withAgents(List.of(AgentSpec.parse("lead:coordinator:coordination")))}.
   *
   * @param executors this node's task executors; null reads {@code executors.json} in the state dir
   *     (or the default rules executors), an empty list runs none
   * @param agents agents to run on this node besides those of {@code agents.json}
   *     ({@code node up --role/--capabilities/--agent})
   * @param responders answer logic by agent name; agents not named here use {@code agents.json}'s
   *     brain or the rules brain
   * @param publicHttp the public listener, which runs only when the node is networked; null gives
   *     {@link PublicConfig#embedded} for the node's mode (loopback, a free port), never a well-known
   *     port by surprise. {@code node up} reads it from the environment
   * @param swarm the substrate (p2p or nats) and the swarm view's timings; null reads
   *     {@code WATTSWARM_SUBSTRATE} and friends from the environment
   */
  public record Options(List<Executor> executors, List<dev.wattswarm.agents.AgentSpec> agents,
      java.util.Map<String, dev.wattswarm.agents.Responder> responders, PublicConfig publicHttp,
      dev.wattswarm.node.swarm.SwarmConfig swarm) {
    public Options {
      // copied so a caller changing its list after start cannot change what the node runs
      executors = executors == null ? null : List.copyOf(executors);
      agents = agents == null ? List.of() : List.copyOf(agents);
      responders = responders == null ? java.util.Map.of() : java.util.Map.copyOf(responders);
    }

    /** executors.json, no extra agents or responders, the embedded public listener, the swarm of the environment. */
    public static Options defaults() {
      return new Options(null, List.of(), java.util.Map.of(), null, null);
    }

    public Options withExecutors(List<Executor> executors) {
      return new Options(executors, agents, responders, publicHttp, swarm);
    }

    public Options withAgents(List<dev.wattswarm.agents.AgentSpec> agents) {
      return new Options(executors, agents, responders, publicHttp, swarm);
    }

    public Options withResponders(java.util.Map<String, dev.wattswarm.agents.Responder> responders) {
      return new Options(executors, agents, responders, publicHttp, swarm);
    }

    public Options withPublicHttp(PublicConfig publicHttp) {
      return new Options(executors, agents, responders, publicHttp, swarm);
    }

    public Options withSwarm(dev.wattswarm.node.swarm.SwarmConfig swarm) {
      return new Options(executors, agents, responders, publicHttp, swarm);
    }
  }

  /** A node with {@link Options#defaults()}. */
  public static NodeHost start(NodeConfig config, StateDir dir, Clock clock, SecureRandom random) throws IOException {
    return start(config, dir, clock, random, Options.defaults());
  }

  /** A node with the executors, agents, responders, public listener and swarm of {@code options}. */
  public static NodeHost start(NodeConfig config, StateDir dir, Clock clock, SecureRandom random, Options options)
      throws IOException {
    PublicConfig publicHttp = options.publicHttp() != null ? options.publicHttp() : PublicConfig.embedded(config.mode());
    var swarm = options.swarm() != null ? options.swarm() : dev.wattswarm.node.swarm.SwarmConfig.fromEnv(System.getenv());
    List<Executor> execs = options.executors() != null ? options.executors() : ExecutorsFile.load(dir.root());
    boolean networked = config.mode() != Mode.LOCAL && config.p2pEnabled();
    StartupConfig startup = StartupConfig.read(dir);
    Networks.Resolved[] network = new Networks.Resolved[1];
    dev.wattswarm.nats.NatsLink[] nats = new dev.wattswarm.nats.NatsLink[1];
    Node node;
    try {
      node = Node.open(config, dir, clock, random, Projections.all(), key -> {
        if (!networked) return "local:" + key.id();
        if (swarm.substrate() == dev.wattswarm.node.swarm.SwarmConfig.Substrate.NATS) {
          nats[0] = dev.wattswarm.nats.NatsLink.connect(swarm.nats(), "wattswarm " + key.id());
          network[0] = dev.wattswarm.node.network.NatsNetworks.resolve(key, dir, nats[0], clock.millis(), swarm.expectedNetwork());
        } else {
          network[0] = Networks.resolve(key, dir, config.mode(), startup.contacts(), NetworkRuntime.tcpConfig(config), clock.millis());
        }
        return network[0].bundle().networkId();
      });
    } catch (RuntimeException e) {
      if (nats[0] != null) nats[0].close();
      throw e;
    }
    ControlServer control;
    TaskRuntime tasks;
    SwarmParts swarmParts;
    NetworkRuntime net = null;
    dev.wattswarm.agents.AgentRuntime agentRuntime;
    dev.wattswarm.social.Social social;
    dev.wattswarm.economy.Economy economy;
    try {
      if (networked) net = NetworkRuntime.start(node, config, network[0].bundle(), startup.contacts(), swarm, nats[0]);
      tasks = TaskRuntime.start(node, execs, networked);
      if (net != null) {
        tasks.service().routableScopes(net.sync()::subscribed); // live: groups are joined and left at run time
        tasks.service().taskGroupJoin(net::joinTaskGroup);
      }
      if (networked) tasks.service().networkParams(network[0].bundle().params());
      var fromFile = dev.wattswarm.agents.AgentsFile.load(dir.root());
      List<dev.wattswarm.agents.AgentSpec> allAgents = new java.util.ArrayList<>(fromFile.specs());
      allAgents.addAll(options.agents());
      var rules = new dev.wattswarm.agents.RulesResponder();
      agentRuntime = dev.wattswarm.agents.AgentRuntime.start(node, net, allAgents,
          s -> dev.wattswarm.economy.service.ServiceProvider.forNode(node,
              options.responders().getOrDefault(s.name(), fromFile.responders().getOrDefault(s.name(), rules))));
      var workflows = node.manage(new dev.wattswarm.agents.workflow.WorkflowEngine(node, agentRuntime, 3, 60_000));
      social = dev.wattswarm.social.Social.start(node, net, random);
      swarmParts = SwarmParts.start(node, net, tasks, agentRuntime, swarm);
      economy = node.manage(dev.wattswarm.economy.Economy.start(node, tasks, agentRuntime,
          dev.wattswarm.economy.EconomyConfig.fromEnv(System.getenv()), knownAccounts(net, agentRuntime)));
      if (net != null) economy.hives().groupScopes(net::joinGroup, net::leaveGroup); // a hive member is in group:hive-<id>
      if (net != null) net.sync().addPolicy(new dev.wattswarm.economy.hive.HiveIntake(economy.hives())); // members take only members' hive messages
      control = ControlPlane.start(new ControlPlane.Parts(node, tasks.service(), net, agentRuntime, workflows, social, swarmParts,
          economy), config.controlHost(), config.controlPort());
    } catch (IOException | RuntimeException e) {
      node.close();
      if (nats[0] != null) nats[0].close();
      throw e;
    }
    NodeHost host = new NodeHost(node, control, tasks, net, agentRuntime);
    host.social = social;
    host.swarm = swarmParts;
    host.economy = economy;
    try {
      if (net != null) {
        var started = PublicMounts.start(host, publicHttp, network[0].bundle());
        host.publicListener = started.listener();
        host.discovery = started.discovery();
      }
      node.announceStart(control.url());
      if (network[0] != null && network[0].founded()) {
        // the network's rules travel on the rules kind (see docs/social.md, "The five gossip kinds")
        node.log().publish(dev.wattswarm.kernel.event.Scope.GLOBAL, dev.wattswarm.kernel.event.EventKind.RULES,
            dev.wattswarm.kernel.event.EventTypes.NETWORK_PARAMS, "", network[0].bundle().toJson());
      }
      dir.writeRuntime(new RuntimeInfo(ProcessHandle.current().pid(), node.nodeId().toString(), node.networkId(),
          config.mode().wire(), control.url(), net == null ? "" : net.advertisedAddress(), node.version(),
          node.startedAtMs(), node.store().backend(), host.publicUrl()));
      log.info("node {} up: network {}, control plane {}", node.nodeId(), node.networkId(), control.url());
    } catch (IOException | RuntimeException e) {
      host.close();
      throw e;
    }
    return host;
  }

  public Node node() {
    return node;
  }

  /** The swarm view and leader lease. */
  public SwarmParts swarm() {
    return swarm;
  }

  /** Accounts the swarm tells us of: connected peers and agents announced by other nodes. */
  private static java.util.function.Predicate<String> knownAccounts(NetworkRuntime net, dev.wattswarm.agents.AgentRuntime agents) {
    return id -> {
      if (net != null && net.peers().keySet().stream().anyMatch(p -> p.toString().equals(id))) return true;
      return agents != null && agents.registry().all().stream().anyMatch(a -> id.equals(a.agentId()) || id.equals(a.nodeId()));
    };
  }

  public TaskRuntime tasks() {
    return tasks;
  }

  public String controlUrl() {
    return control.url();
  }

  /** The control plane's routes, as "METHOD /template". */
  public java.util.List<String> controlRoutes() {
    return control.routes();
  }

  /** Discovery v1 (signed node records), or null when the node is not networked. */
  public dev.wattswarm.node.discovery.DiscoveryService discovery() {
    return discovery;
  }

  /** Base URL of the public listener, or "" when it is off. */
  public String publicUrl() {
    return publicListener == null ? "" : publicListener.url();
  }

  @Override
  public void close() {
    log.info("node {} stopping", node.nodeId());
    node.stateDir().deleteRuntime();
    if (publicListener != null) publicListener.close();
    control.close();
    node.close();
  }
}
