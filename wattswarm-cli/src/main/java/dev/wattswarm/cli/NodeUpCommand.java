package dev.wattswarm.cli;

import dev.wattswarm.node.config.Mode;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.server.NodeHost;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code node up}: runs the node in the foreground until SIGINT/SIGTERM. */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = "Run the node in the foreground until SIGINT/SIGTERM, then shut down cleanly.")
final class NodeUpCommand implements Callable<Integer> {
  @ParentCommand NodeCommand parent;
  @Spec CommandSpec spec;

  @Option(names = "--mode", paramLabel = "MODE", description = "local | lan | network | wan (default: WATTSWARM_NODE_MODE or local).")
  String mode;

  @Option(names = "--control-port", paramLabel = "PORT", description = "Control plane port (default: WATTSWARM_CONTROL_PORT or 7777; 0 = free port).")
  Integer controlPort;

  @Option(names = "--p2p-port", paramLabel = "PORT", description = "P2P listen port (default: WATTSWARM_P2P_PORT or 4001; 0 = free port).")
  Integer p2pPort;

  @Option(names = "--role", paramLabel = "ROLE", description = "Run one agent with this role: coordinator, worker or specialist.")
  String role;

  @Option(names = "--capabilities", paramLabel = "CAPS", description = "Comma-separated capabilities of that agent.")
  String capabilities;

  @Option(names = "--max-concurrent", paramLabel = "N", defaultValue = "4", description = "How many messages that agent works on at once (default ${DEFAULT-VALUE}).")
  int maxConcurrent;

  @Option(names = "--agent", paramLabel = "SPEC", description = "An agent as name:role:cap1,cap2[:max_concurrent]; repeatable.")
  java.util.List<String> agentSpecs = new java.util.ArrayList<>();

  private java.util.List<dev.wattswarm.agents.AgentSpec> agents() {
    java.util.List<dev.wattswarm.agents.AgentSpec> out = new java.util.ArrayList<>();
    try {
      if (role != null || capabilities != null) {
        dev.wattswarm.agents.Role r = dev.wattswarm.agents.Role.parse(role == null ? "specialist" : role);
        out.add(new dev.wattswarm.agents.AgentSpec(r.wire(), r,
            new java.util.LinkedHashSet<>(dev.wattswarm.agents.AgentSpec.capabilityList(capabilities)), "", maxConcurrent, "rules"));
      }
      for (String s : agentSpecs) out.add(dev.wattswarm.agents.AgentSpec.parse(s));
    } catch (IllegalArgumentException e) {
      throw new CliException(2, e.getMessage());
    }
    return out;
  }

  @Override
  public Integer call() throws Exception {
    var agentList = agents();
    StateDir dir = parent.main.stateDir();
    NodeConfig cfg = NodeConfig.fromEnv(dir.root(), System.getenv());
    if (mode != null) {
      cfg = cfg.withMode(Mode.parse(mode));
    } else if (!System.getenv().containsKey("WATTSWARM_NODE_MODE")) {
      // add-bootstrap-contact records the mode (wan) in startup_config.json
      var remembered = dev.wattswarm.node.network.StartupConfig.read(dir).mode();
      if (remembered.isPresent()) cfg = cfg.withMode(remembered.get());
    }
    if (controlPort != null) cfg = cfg.withControlPort(controlPort);
    if (p2pPort != null) cfg = cfg.withP2pPort(p2pPort);
    NodeHost host = NodeHost.start(cfg, dir, Clock.systemUTC(), new SecureRandom(), NodeHost.Options.defaults().withAgents(agentList)
        .withPublicHttp(dev.wattswarm.server.publicapi.PublicConfig.fromEnv(cfg.mode(), System.getenv())));
    CountDownLatch stopped = new CountDownLatch(1);
    long graceMs = cfg.shutdownGrace().toMillis();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // A hung service must not keep the process alive past the grace period.
      Thread watchdog = Thread.ofPlatform().daemon(true).start(() -> {
        try {
          Thread.sleep(graceMs);
          System.err.println("shutdown exceeded " + graceMs + " ms; exiting anyway (the log is safe)");
          Runtime.getRuntime().halt(1);
        } catch (InterruptedException done) {
          // clean shutdown finished in time
        }
      });
      host.close();
      watchdog.interrupt();
      stopped.countDown();
    }, "ws-shutdown"));
    var out = spec.commandLine().getOut();
    out.printf("wattswarm node %s up%n", host.node().nodeId());
    out.printf("  network   %s (mode %s)%n", host.node().networkId(), cfg.mode().wire());
    out.printf("  control   %s  (token: %s)%n", host.controlUrl(), dir.file(StateDir.TOKEN));
    if (host.network() != null) out.printf("  p2p       %s (contact: %s@%s)%n", host.network().advertisedAddress(),
        host.node().nodeId(), host.network().advertisedAddress());
    if (!host.publicUrl().isEmpty()) out.printf("  public    %s%n", host.publicUrl());
    for (var a : agentList) out.printf("  agent     %s (%s) %s%n", a.name(), a.role().wire(), a.capabilities());
    out.printf("  storage   %s%n", host.node().store().backend());
    out.printf("  state dir %s%n", dir.root());
    out.println("press Ctrl-C to stop");
    out.flush();
    stopped.await();
    return 0;
  }
}
