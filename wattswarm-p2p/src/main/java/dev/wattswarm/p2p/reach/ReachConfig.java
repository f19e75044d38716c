package dev.wattswarm.p2p.reach;

/**
 * How a node reaches peers that are not its membership neighbours.
 *
 * @param maxDirectLinks links kept open to non-neighbours (dialled by us, or dialled by them to
 *     ask us something); past it the least recently used one is closed
 * @param directIdleMs a direct link unused for this long is closed (neighbour links are never touched)
 * @param maxDialsInFlight dials to non-neighbours under way at once; past it requests go by relay
 * @param undialableMs after every address of a peer failed, requests to it go straight to the
 *     relay path for this long instead of dialling again
 * @param relayTtl hops a relayed frame may take; larger values arriving are refused as malformed
 * @param relayWindowMs a relayed request older (or newer) than this is refused, which bounds how
 *     long replay protection must remember it; reverse routes are also kept this long at most
 * @param maxRelayRoutes reverse routes kept for relayed requests passing through (and relayed
 *     requests of our own awaiting an answer); past it new relayed requests are dropped
 * @param maxRelayRoutesPerPeer reverse routes one upstream peer may hold, so one neighbour cannot
 *     fill the table
 * @param maxRelaySeen relayed request ids remembered for de-duplication
 * @param maxRelayedAnswers relayed requests being answered by this node at once
 * @param sweepMs how often idle links and stale routes are swept
 */
public record ReachConfig(int maxDirectLinks, long directIdleMs, int maxDialsInFlight, long undialableMs, int relayTtl,
    long relayWindowMs, int maxRelayRoutes, int maxRelayRoutesPerPeer, int maxRelaySeen, int maxRelayedAnswers,
    long sweepMs) {

  public ReachConfig {
    if (maxDirectLinks < 1 || directIdleMs < 1 || maxDialsInFlight < 1 || undialableMs < 0 || relayTtl < 1 || relayTtl > 32
        || relayWindowMs < 1 || maxRelayRoutes < 1 || maxRelayRoutesPerPeer < 1 || maxRelaySeen < 1 || maxRelayedAnswers < 1
        || sweepMs < 1) {
      throw new IllegalArgumentException("reach limits must be positive (relayTtl 1..32)");
    }
  }

  public static ReachConfig defaults() {
    return new ReachConfig(256, 120_000, 64, 30_000, 8, 60_000, 8_192, 1_024, 16_384, 256, 5_000);
  }

  public ReachConfig withDirectLinks(int max, long idleMs) {
    return new ReachConfig(max, idleMs, maxDialsInFlight, undialableMs, relayTtl, relayWindowMs, maxRelayRoutes,
        maxRelayRoutesPerPeer, maxRelaySeen, maxRelayedAnswers, sweepMs);
  }

  public ReachConfig withRelayTtl(int ttl) {
    return new ReachConfig(maxDirectLinks, directIdleMs, maxDialsInFlight, undialableMs, ttl, relayWindowMs, maxRelayRoutes,
        maxRelayRoutesPerPeer, maxRelaySeen, maxRelayedAnswers, sweepMs);
  }

  public ReachConfig withRelayRoutes(int max, int perPeer) {
    return new ReachConfig(maxDirectLinks, directIdleMs, maxDialsInFlight, undialableMs, relayTtl, relayWindowMs, max, perPeer,
        maxRelaySeen, maxRelayedAnswers, sweepMs);
  }
}
