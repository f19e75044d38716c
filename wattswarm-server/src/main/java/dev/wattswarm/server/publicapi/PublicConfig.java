package dev.wattswarm.server.publicapi;

import dev.wattswarm.node.config.Mode;
import dev.wattswarm.node.discovery.GreatCircle;
import dev.wattswarm.node.network.NodeRecord.Location;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The public listener: unauthenticated, signature-checked traffic from other nodes and clients.
 * Immutable; build with {@link #fromEnv} for {@code node up}, or {@link #embedded} for code that
 * hosts nodes itself (tests, the demo), which never takes a well-known port by surprise.
 *
 * @param enabled whether the listener runs at all ({@code WATTSWARM_PUBLIC_HTTP_ADDR=off} turns it off)
 * @param host address to bind; {@code WATTSWARM_PUBLIC_HTTP_ADDR} host part, default 0.0.0.0
 * @param port port to bind, 0 = any free; default 7788
 * @param explicit true when the operator named the address: a taken port is then an error. When the
 *     address is the default and 7788 is taken (several nodes on one machine), a free port is used
 * @param ratePerSecond requests per second allowed per client address (IPv6 by /64), sustained
 * @param burst requests a client may make at once before the rate applies
 * @param maxClients client addresses tracked for rate limiting; the least recently seen is forgotten
 * @param maxBodyBytes largest request body; larger ones are refused with 413 before being read
 * @param maxConnections open connections at once; further ones wait in the accept queue
 * @param idleTimeoutMs a connection that sends nothing for this long is closed
 * @param discoveryUrls {@code WATTSWARM_PUBLIC_DISCOVERY_URLS}: discovery API URLs published in join.json
 * @param location {@code WATTSWARM_NODE_LOCATION=lat,lon}: where this node says it is, in its discovery record
 */
public record PublicConfig(boolean enabled, String host, int port, boolean explicit, double ratePerSecond, int burst,
    int maxClients, int maxBodyBytes, int maxConnections, long idleTimeoutMs, List<String> discoveryUrls,
    Optional<Location> location) {

  public static final int DEFAULT_PORT = 7788;

  public PublicConfig {
    if (port < 0 || port > 65535) throw new IllegalArgumentException("public port " + port + " must be 0-65535 (0 picks a free port)");
    if (ratePerSecond <= 0 || burst < 1 || maxClients < 1 || maxBodyBytes < 1 || maxConnections < 1 || idleTimeoutMs < 1) {
      throw new IllegalArgumentException("public listener limits must be positive");
    }
    discoveryUrls = List.copyOf(discoveryUrls);
  }

  /** Limits fit for a node on the internet: a client gets 20 requests a second with bursts of 40. */
  private static PublicConfig of(boolean on, String host, int port, boolean explicit, List<String> urls, Optional<Location> loc) {
    return new PublicConfig(on, host, port, explicit, 20, 40, 10_000, 64 * 1024, 512, 30_000, urls, loc);
  }

  /** Off: nothing listens. */
  public static PublicConfig off() {
    return of(false, "127.0.0.1", 0, false, List.of(), Optional.empty());
  }

  /** For embedding: loopback and a free port when networked, off in local mode. */
  public static PublicConfig embedded(Mode mode) {
    return of(mode != Mode.LOCAL, "127.0.0.1", 0, true, List.of(), Optional.empty());
  }

  /**
   * {@code WATTSWARM_PUBLIC_HTTP_ADDR} (host:port, or {@code off}; default 0.0.0.0:7788 when
   * networked, off in local mode), {@code WATTSWARM_PUBLIC_DISCOVERY_URLS} (comma separated
   * http(s) URLs), {@code WATTSWARM_NODE_LOCATION} (lat,lon in degrees).
   */
  public static PublicConfig fromEnv(Mode mode, Map<String, String> env) {
    List<String> urls = urls(env.get("WATTSWARM_PUBLIC_DISCOVERY_URLS"));
    Optional<Location> loc = location(env.get("WATTSWARM_NODE_LOCATION"));
    String addr = env.get("WATTSWARM_PUBLIC_HTTP_ADDR");
    if (addr == null || addr.isBlank()) {
      return of(mode != Mode.LOCAL, "0.0.0.0", DEFAULT_PORT, false, urls, loc);
    }
    addr = addr.trim();
    if (addr.equalsIgnoreCase("off")) return of(false, "127.0.0.1", 0, false, urls, loc);
    int colon = addr.lastIndexOf(':');
    if (colon <= 0) throw new IllegalArgumentException("WATTSWARM_PUBLIC_HTTP_ADDR='" + addr + "' must be host:port (port 0 = free) or off");
    String host = addr.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    int port;
    try {
      port = Integer.parseInt(addr.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("WATTSWARM_PUBLIC_HTTP_ADDR='" + addr + "' has a bad port: use host:port, 0-65535");
    }
    if (port < 0 || port > 65535) throw new IllegalArgumentException("WATTSWARM_PUBLIC_HTTP_ADDR port " + port + " must be 0-65535");
    return of(true, host, port, true, urls, loc);
  }

  private static List<String> urls(String v) {
    if (v == null || v.isBlank()) return List.of();
    List<String> out = Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    for (String u : out) {
      if (!(u.startsWith("http://") || u.startsWith("https://")) || u.length() > 512) {
        throw new IllegalArgumentException("WATTSWARM_PUBLIC_DISCOVERY_URLS entry '" + u + "' must be an http:// or https:// URL");
      }
    }
    return out;
  }

  private static Optional<Location> location(String v) {
    if (v == null || v.isBlank()) return Optional.empty();
    try {
      return Optional.of(GreatCircle.parse(v));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("WATTSWARM_NODE_LOCATION: " + e.getMessage());
    }
  }

  /** The same settings with limits for a test that wants to reach them quickly. */
  public PublicConfig withRate(double perSecond, int burst) {
    return new PublicConfig(enabled, host, port, explicit, perSecond, burst, maxClients, maxBodyBytes, maxConnections, idleTimeoutMs,
        discoveryUrls, location);
  }

  public PublicConfig withDiscovery(List<String> urls, Optional<Location> loc) {
    return new PublicConfig(enabled, host, port, explicit, ratePerSecond, burst, maxClients, maxBodyBytes, maxConnections, idleTimeoutMs,
        urls, loc);
  }
}
