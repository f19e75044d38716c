package dev.wattswarm.server.gateway;

/**
 * Bounds of the gateway and A2A (on top of the public listener's own per-address limit and body cap).
 *
 * @param ratePerSecond requests a key may make per second, sustained
 * @param burst requests a key may make at once
 * @param maxBodyBytes largest request body accepted on a gateway or A2A route
 * @param maxSubscriptions topics one WebSocket may follow
 * @param maxPending changes waiting to be sent on one WebSocket; past it the client is too slow and is closed
 * @param sendTimeoutMs longest one WebSocket message may take to leave; past it the client is closed
 * @param maxSocketsPerKey WebSockets one key may hold open at once
 * @param waitMs how long a blocking A2A SendMessage waits for the task to end before answering with it as it is
 */
public record GatewayLimits(double ratePerSecond, int burst, int maxBodyBytes, int maxSubscriptions, int maxPending,
    long sendTimeoutMs, int maxSocketsPerKey, long waitMs) {
  public static final GatewayLimits DEFAULT = new GatewayLimits(10, 40, 32 * 1024, 32, 256, 10_000, 16, 20_000);
}
