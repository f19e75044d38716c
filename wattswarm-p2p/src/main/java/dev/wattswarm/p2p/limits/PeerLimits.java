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
 * @param strikeMemoryMs how long a strike is remembered; it expires with time, never with a
 *     disconnect, so reconnecting does not wipe a peer's record
 * @param maxTrackedPeers peers with strike, ban or rate records kept at most; beyond it the
 *     least recently seen record goes (bounded memory whatever ids peers present)
 * @param maxPendingRequestsPerPeer requests to one peer awaiting an answer; more are refused at once
 * @param maxInflightAnswersPerPeer requests from one peer being answered at once; more are dropped
 * @param inboundQueueFrames frames of one link waiting for the protocol thread; more are dropped
 * @param inboundQueueBytes bytes of one link waiting for the protocol thread; more are dropped
 */
public record PeerLimits(double peerFramesPerSec, double peerBurst, double topicMessagesPerSec, double topicBurst,
    int strikesBeforeBan, long banMs, long strikeMemoryMs, int maxTrackedPeers, int maxPendingRequestsPerPeer,
    int maxInflightAnswersPerPeer, int inboundQueueFrames, long inboundQueueBytes) {

  public PeerLimits {
    if (strikesBeforeBan < 1 || maxTrackedPeers < 1 || maxPendingRequestsPerPeer < 1 || maxInflightAnswersPerPeer < 1
        || inboundQueueFrames < 1 || inboundQueueBytes < 1 || strikeMemoryMs < 1) {
      throw new IllegalArgumentException("peer limits must be positive");
    }
  }

  /** The rates and ban policy, with the default bounds. */
  public PeerLimits(double peerFramesPerSec, double peerBurst, double topicMessagesPerSec, double topicBurst,
      int strikesBeforeBan, long banMs) {
    this(peerFramesPerSec, peerBurst, topicMessagesPerSec, topicBurst, strikesBeforeBan, banMs, 10 * 60_000, 4_096,
        1_024, 256, 4_096, 32L << 20);
  }

  public static PeerLimits defaults() {
    return new PeerLimits(20_000, 40_000, 10_000, 20_000, 5, 60_000);
  }
}
