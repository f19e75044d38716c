package dev.wattswarm.cli;

import dev.wattswarm.kernel.Version;
import dev.wattswarm.node.state.StateDir;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code wattswarm}: the command line. Exit codes: 0 ok, 1 failed, 2 usage, 3 node not running, 4 task failed. */
@Command(
    name = "wattswarm",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = "A decentralized runtime for AI agents: every node is a complete local swarm.",
    subcommands = {NodeCommand.class, NetworkCommands.Peers.class, AgentCommands.Agents.class, AgentCommands.Agent.class, BrainCommand.class, SwarmCommand.class, WorkflowCommand.class, LogCommand.class, EventsCommand.class, TaskCommand.class, WattCommand.class, MissionCommand.class, HiveCommand.class, MarketCommands.Service.class, MarketCommands.Oracle.class, DemoCommand.class, BenchCommand.class,
        ConsoleCommand.class,
        McpCommand.class,
        GatewayCommand.class,
        SocialCommands.Group.class, SocialCommands.Relationship.class, SocialCommands.Dm.class,
        CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:failed (the message says why)", "2:bad usage", "3:no node running on the state dir",
        "4:the task ended in failure"})
public final class Main {
  @Option(names = "--state-dir", scope = ScopeType.INHERIT, paramLabel = "DIR", defaultValue = "./.wattswarm",
      description = "The node's directory: identity, token, config, database, logs (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  StateDir stateDir() {
    return new StateDir(stateDir);
  }

  public static void main(String[] args) {
    // a failure on a background thread is reported like any other: one line, trace only in debug
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> ErrorReport.report(e, new java.io.PrintWriter(System.err, true)));
    System.exit(run(args));
  }

  public static int run(String... args) {
    return run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
  }

  /** Runs a command with its output captured (tests, embedding). */
  public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> ErrorReport.report(ex, cmd.getErr()));
    return cl.execute(args);
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"wattswarm " + Version.get()};
    }
  }
}
