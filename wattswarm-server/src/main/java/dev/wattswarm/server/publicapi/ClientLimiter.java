package dev.wattswarm.server.publicapi;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per client address, in a map of bounded size: the least recently seen client is
 * forgotten first, so a flood of new addresses costs memory up to the bound and no more. An IPv6
 * client is counted by its /64, the block one subscriber usually holds, so it cannot get a fresh
 * bucket per address. The address is the socket's peer, never a header the client wrote.
 *
 * <p>Thread-safe: one lock around the map, held for a map lookup and a little arithmetic.
 */
public final class ClientLimiter {
  private final double ratePerMs;
  private final double burst;
  private final int maxClients;
  private final Clock clock;
  private final LinkedHashMap<String, double[]> buckets;
  private long refused;
  private long forgotten;

  public ClientLimiter(double ratePerSecond, int burst, int maxClients, Clock clock) {
    this.ratePerMs = ratePerSecond / 1000.0;
    this.burst = burst;
    this.maxClients = maxClients;
    this.clock = clock;
    this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
        if (size() <= ClientLimiter.this.maxClients) return false;
        forgotten++;
        return true;
      }
    };
  }

  /**
   * Takes one request's token for {@code address}.
   *
   * @return 0 when allowed, else how many milliseconds until the client may try again
   */
  public synchronized long take(String address) {
    long now = clock.millis();
    String key = key(address);
    // bucket: [tokens, last refill ms]
    double[] b = buckets.get(key);
    if (b == null) {
      b = new double[] {burst, now};
      buckets.put(key, b);
    } else if (now > b[1]) {
      b[0] = Math.min(burst, b[0] + (now - b[1]) * ratePerMs);
      b[1] = now;
    }
    if (b[0] >= 1) {
      b[0] -= 1;
      return 0;
    }
    refused++;
    return Math.max(1, (long) Math.ceil((1 - b[0]) / ratePerMs));
  }

  public synchronized int tracked() {
    return buckets.size();
  }

  public synchronized long refused() {
    return refused;
  }

  /** Clients dropped from the map to keep it within bounds. */
  public synchronized long forgotten() {
    return forgotten;
  }

  /** The key a client address is counted under: itself for IPv4, its /64 for IPv6. */
  public static String key(String address) {
    if (address == null || address.indexOf(':') < 0) return String.valueOf(address);
    try {
      InetAddress a = InetAddress.getByName(address.startsWith("[") ? address.substring(1, address.length() - 1) : address);
      if (!(a instanceof Inet6Address)) return a.getHostAddress();
      byte[] b = a.getAddress();
      StringBuilder sb = new StringBuilder("v6:");
      for (int i = 0; i < 8; i++) sb.append(String.format("%02x", b[i]));
      return sb.append("/64").toString();
    } catch (UnknownHostException | SecurityException notAnAddress) {
      return address;
    }
  }
}
