package dev.wattswarm.node.swarm;

import dev.wattswarm.nats.NatsConfig;
import java.util.Locale;
import java.util.Map;

/**
 * Which substrate carries the swarm and how the node-level swarm view is timed, immutable.
 *
 * @param substrate {@code WATTSWARM_SUBSTRATE}: p2p (default, our TLS overlay) or nats
 * @param nats the NATS settings ({@code WATTSWARM_NATS_*}); null with p2p
 * @param preset {@code WATTSWARM_SWARM_PRESET}: small, medium, large or "" (none); sets the two timings below
 *     as PicoClaw's presets do (small 10 s / 30 s, medium 5 s / 20 s, large 3 s / 15 s)
 * @param heartbeatMs {@code WATTSWARM_SWARM_HEARTBEAT_MS} (default 10000, or the preset's): how often a node
 *     announces its signed node record (role, load, capacity, agents)
 * @param nodeTimeoutMs {@code WATTSWARM_SWARM_NODE_TIMEOUT_MS} (default 60000, or the preset's): silence after
 *     which a node is shown offline
 * @param leaseMs {@code WATTSWARM_SWARM_LEADER_LEASE_MS} (default half the node timeout, 1-15 s): how long a
 *     leader's term lasts without renewal; a dead leader is replaced within about this long
 * @param expectedNetwork {@code WATTSWARM_NATS_NETWORK_ID}: the network a node joining over NATS must find there
 *     (e.g. {@code net:z6Mk...}); empty trusts the first signed bundle it finds, as a first join through a contact does
 */
public record SwarmConfig(Substrate substrate, NatsConfig nats, String preset, long heartbeatMs, long nodeTimeoutMs, long leaseMs,
    String expectedNetwork) {
  public enum Substrate {
    P2P,
    NATS;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final long DEFAULT_HEARTBEAT_MS = 10_000;
  public static final long DEFAULT_NODE_TIMEOUT_MS = 60_000;

  public SwarmConfig {
    expectedNetwork = expectedNetwork == null ? "" : expectedNetwork;
    if (substrate == Substrate.NATS && nats == null) throw new IllegalArgumentException("WATTSWARM_SUBSTRATE=nats needs WATTSWARM_NATS_URLS");
    if (heartbeatMs < 100 || heartbeatMs > 3_600_000) {
      throw new IllegalArgumentException("WATTSWARM_SWARM_HEARTBEAT_MS=" + heartbeatMs + " must be milliseconds between 100 and 3600000");
    }
    if (nodeTimeoutMs < 2 * heartbeatMs) {
      throw new IllegalArgumentException("WATTSWARM_SWARM_NODE_TIMEOUT_MS=" + nodeTimeoutMs + " must be at least two heartbeats ("
          + 2 * heartbeatMs + " ms)");
    }
    if (leaseMs < 300 || leaseMs > 600_000) {
      throw new IllegalArgumentException("WATTSWARM_SWARM_LEADER_LEASE_MS=" + leaseMs + " must be milliseconds between 300 and 600000");
    }
  }

  /** p2p with the default timings. */
  public static SwarmConfig defaults() {
    return fromEnv(Map.of());
  }

  /** Over NATS at {@code urls}, with the given timings (tests, embedding). */
  public static SwarmConfig nats(NatsConfig nats, long heartbeatMs, long nodeTimeoutMs) {
    return new SwarmConfig(Substrate.NATS, nats, "", heartbeatMs, nodeTimeoutMs, defaultLease(nodeTimeoutMs), "");
  }

  /** p2p with the given timings. */
  public static SwarmConfig p2p(long heartbeatMs, long nodeTimeoutMs) {
    return new SwarmConfig(Substrate.P2P, null, "", heartbeatMs, nodeTimeoutMs, defaultLease(nodeTimeoutMs), "");
  }

  /** The same, requiring the network found on NATS to be {@code networkId}. */
  public SwarmConfig expecting(String networkId) {
    return new SwarmConfig(substrate, nats, preset, heartbeatMs, nodeTimeoutMs, leaseMs, networkId);
  }

  static long defaultLease(long nodeTimeoutMs) {
    return Math.max(1_000, Math.min(15_000, nodeTimeoutMs / 2));
  }

  public static SwarmConfig fromEnv(Map<String, String> env) {
    String s = env.getOrDefault("WATTSWARM_SUBSTRATE", "p2p").trim().toLowerCase(Locale.ROOT);
    Substrate sub = switch (s) {
      case "", "p2p" -> Substrate.P2P;
      case "nats" -> Substrate.NATS;
      default -> throw new IllegalArgumentException("WATTSWARM_SUBSTRATE='" + s + "' must be p2p or nats");
    };
    String preset = env.getOrDefault("WATTSWARM_SWARM_PRESET", "").trim().toLowerCase(Locale.ROOT);
    long[] t = switch (preset) {
      case "" -> new long[] {DEFAULT_HEARTBEAT_MS, DEFAULT_NODE_TIMEOUT_MS};
      case "small" -> new long[] {10_000, 30_000};
      case "medium" -> new long[] {5_000, 20_000};
      case "large" -> new long[] {3_000, 15_000};
      default -> throw new IllegalArgumentException("WATTSWARM_SWARM_PRESET='" + preset + "' must be small, medium or large");
    };
    long hb = ms(env, "WATTSWARM_SWARM_HEARTBEAT_MS", t[0]);
    long timeout = ms(env, "WATTSWARM_SWARM_NODE_TIMEOUT_MS", t[1]);
    long lease = ms(env, "WATTSWARM_SWARM_LEADER_LEASE_MS", defaultLease(timeout));
    NatsConfig nats = null;
    if (sub == Substrate.NATS) {
      // NATS membership (who answers requests, whom to backfill from) follows the swarm's heartbeat,
      // a little quicker so a node is never offline in the view but present for requests
      nats = NatsConfig.fromEnv(env).withMemberTimings(Math.max(100, Math.min(hb, 2_000)), Math.max(2 * Math.min(hb, 2_000), Math.min(timeout, 10_000)));
    }
    String expected = env.getOrDefault("WATTSWARM_NATS_NETWORK_ID", "").trim();
    if (!expected.isEmpty() && !expected.startsWith("net:")) {
      throw new IllegalArgumentException("WATTSWARM_NATS_NETWORK_ID='" + expected + "' must be a network id like net:z6Mk...");
    }
    return new SwarmConfig(sub, nats, preset, hb, timeout, lease, expected);
  }

  private static long ms(Map<String, String> env, String var, long dflt) {
    return dev.wattswarm.node.config.NodeConfig.millis(env, var, dflt, "milliseconds");
  }
}
