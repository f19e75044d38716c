package dev.wattswarm.nats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How a node reaches NATS and how much of NATS it may use, immutable.
 *
 * @param urls {@code WATTSWARM_NATS_URLS}: comma separated {@code nats://host:port} (or tls://) servers of one cluster
 * @param credsFile {@code WATTSWARM_NATS_CREDS}: a NATS credentials file (JWT + nkey seed); empty for none
 * @param user {@code WATTSWARM_NATS_USER} with {@code WATTSWARM_NATS_PASSWORD}; empty for none
 * @param password see {@code user}
 * @param token {@code WATTSWARM_NATS_TOKEN}: a server token; empty for none
 * @param prefix {@code WATTSWARM_NATS_PREFIX} (default {@code wattswarm}): names the KV bucket where the network's
 *     bundle is kept; two networks on one NATS use two prefixes (their subjects differ by network id anyway)
 * @param replicas {@code WATTSWARM_NATS_REPLICAS} (default 1): JetStream replicas of every stream and bucket;
 *     3 on a three-server cluster so losing one server loses nothing
 * @param streamMaxBytes {@code WATTSWARM_NATS_STREAM_MAX_BYTES} (default 256 MiB): each scope's stream is capped,
 *     oldest messages dropped first (lane backfill still fetches them from peers)
 * @param streamMaxAgeMs {@code WATTSWARM_NATS_STREAM_MAX_AGE_MS} (default 7 days): how long a node may be away
 *     and still replay from the stream
 * @param maxAckPending messages handed to this node and not yet processed; the bound that makes a slow node
 *     fall behind in JetStream instead of in memory
 * @param maxMessageBytes largest message this node publishes or accepts (NATS's own default cap is 1 MiB)
 * @param heartbeatMs how often the node refreshes its signed member record
 * @param memberTimeoutMs silence after which a member is down
 * @param requestSkewMs how far a signed request's time may be from ours (replay window)
 * @param maxMembers members tracked at most; beyond, new ones are ignored and counted
 * @param connectTimeoutMs how long the first connection may take before startup fails
 */
public record NatsConfig(
    List<String> urls,
    String credsFile,
    String user,
    String password,
    String token,
    String prefix,
    int replicas,
    long streamMaxBytes,
    long streamMaxAgeMs,
    int maxAckPending,
    int maxMessageBytes,
    long heartbeatMs,
    long memberTimeoutMs,
    long requestSkewMs,
    int maxMembers,
    long connectTimeoutMs) {

  public static final String DEFAULT_PREFIX = "wattswarm";

  public NatsConfig {
    urls = List.copyOf(urls);
    if (urls.isEmpty()) throw new IllegalArgumentException("WATTSWARM_NATS_URLS is empty: give at least one nats://host:port");
    for (String u : urls) {
      if (!u.matches("(nats|tls|ws|wss)://[^\\s,]+")) {
        throw new IllegalArgumentException("WATTSWARM_NATS_URLS entry '" + u + "' must look like nats://host:port");
      }
    }
    if (!prefix.matches("[A-Za-z0-9_-]{1,32}")) {
      throw new IllegalArgumentException("WATTSWARM_NATS_PREFIX='" + prefix + "' must be 1-32 letters, digits, _ or -");
    }
    if (replicas < 1 || replicas > 5) throw new IllegalArgumentException("WATTSWARM_NATS_REPLICAS=" + replicas + " must be 1-5");
    if (!user.isEmpty() && password.isEmpty()) {
      throw new IllegalArgumentException("WATTSWARM_NATS_USER is set without WATTSWARM_NATS_PASSWORD");
    }
    if (!credsFile.isEmpty() && !Files.isReadable(Path.of(credsFile))) {
      throw new IllegalArgumentException("WATTSWARM_NATS_CREDS='" + credsFile + "' is not a readable file");
    }
    if (streamMaxBytes < 1 << 20) throw new IllegalArgumentException("WATTSWARM_NATS_STREAM_MAX_BYTES must be at least 1048576");
    if (streamMaxAgeMs < 60_000) throw new IllegalArgumentException("WATTSWARM_NATS_STREAM_MAX_AGE_MS must be at least 60000");
    if (heartbeatMs < 50 || memberTimeoutMs < 2 * heartbeatMs) {
      throw new IllegalArgumentException("member timeout " + memberTimeoutMs + " ms must be at least two heartbeats of " + heartbeatMs + " ms");
    }
  }

  /** Defaults for {@code urls}; the other fields as documented. */
  public static NatsConfig of(List<String> urls) {
    return new NatsConfig(urls, "", "", "", "", DEFAULT_PREFIX, 1, 256L << 20, 7L * 24 * 3600 * 1000, 1024, 1 << 20,
        1_000, 5_000, 60_000, 4096, 10_000);
  }

  /** Reads the {@code WATTSWARM_NATS_*} variables; failures name the variable. */
  public static NatsConfig fromEnv(Map<String, String> env) {
    String urls = env.getOrDefault("WATTSWARM_NATS_URLS", "");
    List<String> list = Arrays.stream(urls.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (list.isEmpty()) {
      throw new IllegalArgumentException("WATTSWARM_SUBSTRATE=nats needs WATTSWARM_NATS_URLS (e.g. nats://127.0.0.1:4222)");
    }
    NatsConfig d = of(list);
    return new NatsConfig(list, env.getOrDefault("WATTSWARM_NATS_CREDS", ""), env.getOrDefault("WATTSWARM_NATS_USER", ""),
        env.getOrDefault("WATTSWARM_NATS_PASSWORD", ""), env.getOrDefault("WATTSWARM_NATS_TOKEN", ""),
        env.getOrDefault("WATTSWARM_NATS_PREFIX", DEFAULT_PREFIX), (int) num(env, "WATTSWARM_NATS_REPLICAS", 1),
        num(env, "WATTSWARM_NATS_STREAM_MAX_BYTES", d.streamMaxBytes), num(env, "WATTSWARM_NATS_STREAM_MAX_AGE_MS", d.streamMaxAgeMs),
        d.maxAckPending, d.maxMessageBytes, d.heartbeatMs, d.memberTimeoutMs, d.requestSkewMs, d.maxMembers, d.connectTimeoutMs);
  }

  /** The same servers with other member timings (a node ties them to its swarm heartbeat). */
  public NatsConfig withMemberTimings(long heartbeat, long timeout) {
    return new NatsConfig(urls, credsFile, user, password, token, prefix, replicas, streamMaxBytes, streamMaxAgeMs, maxAckPending,
        maxMessageBytes, heartbeat, timeout, requestSkewMs, maxMembers, connectTimeoutMs);
  }

  public NatsConfig withPrefix(String p) {
    return new NatsConfig(urls, credsFile, user, password, token, p, replicas, streamMaxBytes, streamMaxAgeMs, maxAckPending,
        maxMessageBytes, heartbeatMs, memberTimeoutMs, requestSkewMs, maxMembers, connectTimeoutMs);
  }

  public NatsConfig withReplicas(int r) {
    return new NatsConfig(urls, credsFile, user, password, token, prefix, r, streamMaxBytes, streamMaxAgeMs, maxAckPending,
        maxMessageBytes, heartbeatMs, memberTimeoutMs, requestSkewMs, maxMembers, connectTimeoutMs);
  }

  public NatsConfig withMaxAckPending(int n) {
    return new NatsConfig(urls, credsFile, user, password, token, prefix, replicas, streamMaxBytes, streamMaxAgeMs, n,
        maxMessageBytes, heartbeatMs, memberTimeoutMs, requestSkewMs, maxMembers, connectTimeoutMs);
  }

  public NatsConfig withMaxMessageBytes(int n) {
    return new NatsConfig(urls, credsFile, user, password, token, prefix, replicas, streamMaxBytes, streamMaxAgeMs, maxAckPending,
        n, heartbeatMs, memberTimeoutMs, requestSkewMs, maxMembers, connectTimeoutMs);
  }

  /** The URLs without credentials, for logs and status. */
  public String display() {
    return String.join(",", urls.stream().map(u -> u.replaceAll("//[^@/]*@", "//")).toList());
  }

  private static long num(Map<String, String> env, String var, long dflt) {
    String v = env.get(var);
    if (v == null || v.isBlank()) return dflt;
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(var + "='" + v + "' must be a whole number");
    }
  }
}
