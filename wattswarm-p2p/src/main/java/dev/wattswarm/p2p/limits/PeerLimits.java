package dev.wattswarm.p2p.limits;

/**
 * Protection against a noisy or hostile peer.
 *
 * @param peerFramesPerSec frames accepted from one peer per second; more are dropped and counted
 * @param peerBurst frames one peer may send at once above the rate
 * @param topicMessagesPerSec new broadcast messages accepted per topic per second (the
 *     high-frequency limiter: a busy task scope cannot starve the others)
 * @param topicBurst burst above that rate
 * @param strikesBeforeBan protocol violations or invalid payloads before a peer is banned
 * @param banMs how long a banned peer's links are refused
 */
public record PeerLimits(double peerFramesPerSec, double peerBurst, double topicMessagesPerSec, double topicBurst,
    int strikesBeforeBan, long banMs) {

  public static PeerLimits defaults() {
    return new PeerLimits(20_000, 40_000, 10_000, 20_000, 5, 60_000);
  }
}
