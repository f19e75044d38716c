package dev.wattswarm.server.gateway;

import dev.wattswarm.server.ApiException;
import dev.wattswarm.server.publicapi.ClientLimiter;
import java.time.Clock;

/**
 * Who is calling: a live gateway key from {@code Authorization: Bearer KEY} (or {@code ?key=} where
 * a client cannot set headers, the WebSocket), then that key's own token bucket, so one key cannot
 * use up a node shared with others. Buckets are per key name, bounded by the number of keys.
 */
public final class GatewayAuth {
  private final GatewayKeys keys;
  private final ClientLimiter perKey;

  public GatewayAuth(GatewayKeys keys, GatewayLimits limits, Clock clock) {
    this.keys = keys;
    this.perKey = new ClientLimiter(limits.ratePerSecond(), limits.burst(), GatewayKeys.MAX_KEYS, clock);
  }

  /**
   * @return the key's name
   * @throws ApiException 401 without a live key, 429 when the key is over its rate
   */
  public String check(String authorization, String queryKey) {
    String presented = null;
    if (authorization != null && !authorization.isBlank()) {
      if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
        throw new ApiException(401, "unauthorized", "the Authorization header must be 'Bearer <gateway key>'", null);
      }
      presented = authorization.substring(7).strip();
    } else if (queryKey != null) {
      presented = queryKey.strip();
    }
    if (presented == null || presented.isEmpty()) {
      throw new ApiException(401, "unauthorized",
          "a gateway key is required: send 'Authorization: Bearer <key>' (make one with `wattswarm gateway key create NAME`)", null);
    }
    String name = keys.verify(presented).orElseThrow(() -> new ApiException(401, "unauthorized",
        "the gateway key is not valid (revoked or never made); make one with `wattswarm gateway key create NAME`", null));
    long waitMs = perKey.take("key/" + name);
    if (waitMs > 0) {
      throw new ApiException(429, "rate_limited", "gateway key '" + name + "' is over its rate; retry in " + waitMs + " ms", null);
    }
    return name;
  }
}
