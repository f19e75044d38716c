package dev.wattswarm.cli;

import dev.wattswarm.kernel.Version;
import dev.wattswarm.node.state.RuntimeInfo;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.server.mcp.ControlCalls;
import dev.wattswarm.server.mcp.HttpControlCalls;
import dev.wattswarm.server.mcp.McpServers;
import dev.wattswarm.server.mcp.StdioFraming;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code wattswarm mcp}: an MCP server on stdin/stdout for an LLM client (Claude Desktop, an IDE),
 * serving the running node's tools through its control plane. Logs go to stderr; stdout carries
 * only MCP messages.
 */
@Command(name = "mcp", mixinStandardHelpOptions = true,
    description = "Serve MCP over stdio for the node running on the state dir (tools for tasks, agents, peers, node status). "
        + "Runs until stdin closes. The same tools are at /mcp on the control plane.")
final class McpCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Override
  public Integer call() throws Exception {
    StateDir dir = main.stateDir();
    RuntimeInfo rt = ControlClient.running(dir);
    ControlCalls calls = new HttpControlCalls(rt.controlUrl(), dir.readToken(), Duration.ofMinutes(11));
    try {
      calls.get("/v1/node");
    } catch (ControlCalls.Failure e) {
      throw new CliException(e.status() == 503 ? CliException.NOT_RUNNING : CliException.FAILED, e.getMessage());
    }
    var framing = new StdioFraming(System.in, System.out);
    var server = McpServers.stdio(calls, framing.input(), framing.output(), Version.get());
    framing.awaitEnd();
    server.closeGracefully();
    return 0;
  }
}
