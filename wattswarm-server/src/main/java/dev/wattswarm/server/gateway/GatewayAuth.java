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
  private final Clock clock;

  public GatewayAuth(GatewayKeys keys, GatewayLimits limits, Clock clock) {
    this.keys = keys;
    this.clock = clock;
    this.perKey = new ClientLimiter(limits.ratePerSecond(), limits.burst(), GatewayKeys.MAX_KEYS, clock);
  }

  /** The key a request came with: its name and what it may do. */
  public record Caller(String name, java.util.Set<Scope> scopes) {
    /** @throws ApiException 403 with what to do when the key lacks {@code scope} */
    public void require(Scope scope) {
      if (!scopes.contains(scope)) {
        throw new ApiException(403, "forbidden", "gateway key '" + name + "' lacks the scope " + scope.wire() + " (it has: "
            + Scope.names(scopes) + "); make a key with `wattswarm gateway key create NAME --scope " + scope.wire() + "`", null);
      }
    }
  }

  /**
   * @return the key's name
   * @throws ApiException 401 without a live key, 403 when it lacks {@code scope}, 429 when the key is over its rate
   */
  public String check(String authorization, String queryKey, Scope scope) {
    Caller c = caller(authorization, queryKey);
    c.require(scope);
    return c.name();
  }

  /**
   * @throws ApiException 401 without a live key (none, wrong, revoked, expired), 429 when the key is over its rate
   */
  public Caller caller(String authorization, String queryKey) {
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
    GatewayKeys.Entry key = keys.verify(presented).orElseThrow(() -> new ApiException(401, "unauthorized",
        "the gateway key is not valid (revoked or never made); make one with `wattswarm gateway key create NAME`", null));
    String name = key.name();
    if (key.expired(clock.millis())) {
      throw new ApiException(401, "key_expired", "gateway key '" + name + "' expired at " + java.time.Instant.ofEpochMilli(key.expiresAtMs())
          + "; make a new one with `wattswarm gateway key create NAME --expires-in ...`", null);
    }
    long waitMs = perKey.take("key/" + name);
    if (waitMs > 0) {
      throw new ApiException(429, "rate_limited", "gateway key '" + name + "' is over its rate; retry in " + waitMs + " ms", null);
    }
    return new Caller(name, key.scopes());
  }
}
