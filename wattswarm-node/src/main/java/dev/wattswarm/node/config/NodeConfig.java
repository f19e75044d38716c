package dev.wattswarm.node.config;

import dev.wattswarm.kernel.event.EventLimits;
import dev.wattswarm.store.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything a node needs to start, immutable. Build from the environment with {@link #fromEnv},
 * then adjust with the {@code with*} methods (command-line flags win over the environment).
 *
 * @param mode network mode; {@code WATTSWARM_NODE_MODE}, default local
 * @param controlHost address the control plane binds; {@code WATTSWARM_CONTROL_HOST}, default 127.0.0.1 (0.0.0.0 in
 *     containers, where the bearer token still guards every call)
 * @param controlPort control plane port; {@code WATTSWARM_CONTROL_PORT}, default 7777, 0 = any free
 * @param p2pEnabled {@code WATTSWARM_P2P_ENABLED}, default true (ignored in local mode)
 * @param p2pPort {@code WATTSWARM_P2P_PORT}, default 4001, 0 = any free
 * @param p2pListenAddrs {@code WATTSWARM_P2P_LISTEN_ADDRS}, comma separated host:port, each listened on (the first is
 *     the main one); empty = 0.0.0.0:p2pPort
 * @param regionIds {@code WATTSWARM_P2P_REGION_IDS}: region scopes to subscribe to
 * @param nodeScopeIds {@code WATTSWARM_P2P_NODE_IDS} merged with (legacy) {@code WATTSWARM_P2P_LOCAL_IDS}: node scopes
 * @param store where the log lives ({@code WATTSWARM_STORAGE_BACKEND}, {@code WATTSWARM_PG_URL})
 * @param limits payload size caps
 * @param shutdownGrace how long a clean shutdown may take before the process exits anyway
 * @param agentHeartbeatMs how often the node announces its agents; {@code WATTSWARM_AGENT_HEARTBEAT_MS}, default 2000
 * @param agentNodeTimeoutMs how long without an announcement before a node's agents are forgotten;
 *     {@code WATTSWARM_AGENT_NODE_TIMEOUT_MS}, default three heartbeats
 */
public record NodeConfig(
    Mode mode,
    String controlHost,
    int controlPort,
    boolean p2pEnabled,
    int p2pPort,
    List<String> p2pListenAddrs,
    List<String> regionIds,
    List<String> nodeScopeIds,
    StoreConfig store,
    EventLimits limits,
    Duration shutdownGrace,
    long agentHeartbeatMs,
    long agentNodeTimeoutMs) {

  public static final int DEFAULT_CONTROL_PORT = 7777;
  public static final int DEFAULT_P2P_PORT = 4001;
  public static final long DEFAULT_AGENT_HEARTBEAT_MS = 2_000;

  public NodeConfig {
    checkPort("control port", controlPort);
    checkPort("p2p port", p2pPort);
    p2pListenAddrs = List.copyOf(p2pListenAddrs);
    regionIds = List.copyOf(regionIds);
    nodeScopeIds = List.copyOf(nodeScopeIds);
    checkMs("WATTSWARM_AGENT_HEARTBEAT_MS", agentHeartbeatMs);
    checkMs("WATTSWARM_AGENT_NODE_TIMEOUT_MS", agentNodeTimeoutMs);
  }

  private static void checkMs(String var, long ms) {
    if (ms < 100 || ms > 3_600_000) throw new IllegalArgumentException(var + "=" + ms + " must be milliseconds between 100 and 3600000");
  }

  private static void checkPort(String what, int port) {
    if (port < 0 || port > 65535) throw new IllegalArgumentException(what + " " + port + " must be 0-65535 (0 picks a free port)");
  }

  /** Reads the documented environment variables; unknown values fail with the variable named. */
  public static NodeConfig fromEnv(Path stateDir, Map<String, String> env) {
    Mode mode = env.containsKey("WATTSWARM_NODE_MODE") ? parse(env, "WATTSWARM_NODE_MODE", Mode::parse) : Mode.LOCAL;
    // both names are read and merged: a deployment may still set the legacy one beside the new one
    java.util.LinkedHashSet<String> mergedIds = new java.util.LinkedHashSet<>(list(env.get("WATTSWARM_P2P_NODE_IDS")));
    mergedIds.addAll(list(env.get("WATTSWARM_P2P_LOCAL_IDS")));
    List<String> nodeIds = List.copyOf(mergedIds);
    long heartbeat = ms(env, "WATTSWARM_AGENT_HEARTBEAT_MS", DEFAULT_AGENT_HEARTBEAT_MS);
    return new NodeConfig(
        mode,
        env.getOrDefault("WATTSWARM_CONTROL_HOST", "127.0.0.1"),
        port(env, "WATTSWARM_CONTROL_PORT", DEFAULT_CONTROL_PORT),
        bool(env, "WATTSWARM_P2P_ENABLED", true),
        port(env, "WATTSWARM_P2P_PORT", DEFAULT_P2P_PORT),
        list(env.get("WATTSWARM_P2P_LISTEN_ADDRS")),
        list(env.get("WATTSWARM_P2P_REGION_IDS")),
        nodeIds,
        dev.wattswarm.node.state.StorageRecord.resolve(stateDir, env),
        EventLimits.DEFAULT,
        Duration.ofSeconds(4),
        heartbeat,
        ms(env, "WATTSWARM_AGENT_NODE_TIMEOUT_MS", 3 * heartbeat));
  }

  /** Local preset: one machine, everything on loopback, no networking. */
  public static NodeConfig local(Path stateDir) {
    return fromEnv(stateDir, Map.of()).withMode(Mode.LOCAL).withControlPort(0).withP2pEnabled(false);
  }

  public NodeConfig withMode(Mode m) {
    return new NodeConfig(m, controlHost, controlPort, p2pEnabled, p2pPort, p2pListenAddrs, regionIds, nodeScopeIds, store, limits, shutdownGrace, agentHeartbeatMs, agentNodeTimeoutMs);
  }

  public NodeConfig withControlPort(int p) {
    return new NodeConfig(mode, controlHost, p, p2pEnabled, p2pPort, p2pListenAddrs, regionIds, nodeScopeIds, store, limits, shutdownGrace, agentHeartbeatMs, agentNodeTimeoutMs);
  }

  public NodeConfig withP2pPort(int p) {
    return new NodeConfig(mode, controlHost, controlPort, p2pEnabled, p, p2pListenAddrs, regionIds, nodeScopeIds, store, limits, shutdownGrace, agentHeartbeatMs, agentNodeTimeoutMs);
  }

  public NodeConfig withP2pEnabled(boolean on) {
    return new NodeConfig(mode, controlHost, controlPort, on, p2pPort, p2pListenAddrs, regionIds, nodeScopeIds, store, limits, shutdownGrace, agentHeartbeatMs, agentNodeTimeoutMs);
  }

  public NodeConfig withStore(StoreConfig s) {
    return new NodeConfig(mode, controlHost, controlPort, p2pEnabled, p2pPort, p2pListenAddrs, regionIds, nodeScopeIds, s, limits, shutdownGrace, agentHeartbeatMs, agentNodeTimeoutMs);
  }

  /** Agents announced every {@code heartbeatMs}, forgotten after {@code nodeTimeoutMs} of silence. */
  public NodeConfig withAgentTimings(long heartbeatMs, long nodeTimeoutMs) {
    return new NodeConfig(mode, controlHost, controlPort, p2pEnabled, p2pPort, p2pListenAddrs, regionIds, nodeScopeIds, store, limits,
        shutdownGrace, heartbeatMs, nodeTimeoutMs);
  }

  private static long ms(Map<String, String> env, String var, long dflt) {
    return millis(env, var, dflt, "milliseconds between 100 and 3600000");
  }

  /**
   * A duration variable in milliseconds, {@code dflt} when unset or blank.
   *
   * @param expected what a good value is, for the one-line error ("must be " + expected)
   */
  public static long millis(Map<String, String> env, String var, long dflt, String expected) {
    String v = env.get(var);
    if (v == null || v.isBlank()) return dflt;
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(var + "='" + v + "' must be " + expected);
    }
  }

  private static <T> T parse(Map<String, String> env, String var, java.util.function.Function<String, T> f) {
    try {
      return f.apply(env.get(var));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(var + ": " + e.getMessage());
    }
  }

  private static int port(Map<String, String> env, String var, int dflt) {
    String v = env.get(var);
    if (v == null || v.isBlank()) return dflt;
    try {
      int p = Integer.parseInt(v.trim());
      checkPort(var, p);
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(var + "='" + v + "' is not a port number (0-65535)");
    }
  }

  private static boolean bool(Map<String, String> env, String var, boolean dflt) {
    String v = env.get(var);
    if (v == null || v.isBlank()) return dflt;
    return switch (v.trim().toLowerCase()) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new IllegalArgumentException(var + "='" + v + "' must be true or false");
    };
  }

  private static List<String> list(String v) {
    if (v == null || v.isBlank()) return List.of();
    return java.util.Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
