package dev.wattswarm.agents;

import dev.wattswarm.node.config.NodeConfig;

/**
 * How the agents layer paces itself and how much it holds for peers. Every collection fed by
 * other nodes has a bound here, because a peer that lies can also flood.
 *
 * @param heartbeatMs how often this node announces its agents
 * @param nodeTimeoutMs silence after which a node's agents are forgotten
 * @param skewMs how far a signed message's timestamp may be from our clock; older ones are replays
 * @param maxMessageBytes largest message body (and reply) an agent sends or accepts
 * @param inboxCapacity notifications waiting per agent; more are dropped and counted
 * @param askAsyncPerAgent unread ask-async replies per agent
 * @param askAsyncTotal unread ask-async replies on this node
 * @param askAsyncTtlMs how long an ask-async reply waits to be read after its request's timeout
 * @param remoteAgentsPerNode agents kept from one other node's announcement
 * @param remoteAgentsTotal agents kept from all other nodes
 * @param replayCacheEntries message ids remembered (for {@code skewMs}) to refuse replays
 */
public record AgentConfig(long heartbeatMs, long nodeTimeoutMs, long skewMs, int maxMessageBytes, int inboxCapacity,
    int askAsyncPerAgent, int askAsyncTotal, long askAsyncTtlMs, int remoteAgentsPerNode, int remoteAgentsTotal,
    int replayCacheEntries) {

  public AgentConfig {
    if (heartbeatMs < 10 || nodeTimeoutMs < heartbeatMs) throw new IllegalArgumentException("agent node timeout must be at least one heartbeat");
    if (skewMs < 1 || maxMessageBytes < 1024 || inboxCapacity < 1 || askAsyncPerAgent < 1 || askAsyncTotal < askAsyncPerAgent
        || askAsyncTtlMs < 1 || remoteAgentsPerNode < 1 || remoteAgentsTotal < remoteAgentsPerNode || replayCacheEntries < 1) {
      throw new IllegalArgumentException("agent limits must be positive, totals at least the per-agent/per-node bound");
    }
  }

  public static AgentConfig defaults() {
    return new AgentConfig(NodeConfig.DEFAULT_AGENT_HEARTBEAT_MS, 3 * NodeConfig.DEFAULT_AGENT_HEARTBEAT_MS, 60_000, 256 * 1024,
        1024, 256, 4096, 300_000, 256, 10_000, 100_000);
  }

  /** The defaults with the node's announcement timings ({@code WATTSWARM_AGENT_*} in its config). */
  public static AgentConfig of(NodeConfig node) {
    return defaults().withTimings(node.agentHeartbeatMs(), node.agentNodeTimeoutMs());
  }

  public AgentConfig withTimings(long heartbeat, long nodeTimeout) {
    return new AgentConfig(heartbeat, nodeTimeout, skewMs, maxMessageBytes, inboxCapacity, askAsyncPerAgent, askAsyncTotal,
        askAsyncTtlMs, remoteAgentsPerNode, remoteAgentsTotal, replayCacheEntries);
  }

  public AgentConfig withBounds(int inbox, int askPerAgent, int askTotal, long askTtlMs, int perNode, int total, int replayEntries) {
    return new AgentConfig(heartbeatMs, nodeTimeoutMs, skewMs, maxMessageBytes, inbox, askPerAgent, askTotal, askTtlMs, perNode,
        total, replayEntries);
  }
}
