package dev.wattswarm.p2p;

import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.gossip.Plumtree;
import dev.wattswarm.p2p.transport.Scheduler;
import dev.wattswarm.p2p.wire.PeerInfo;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * What the node needs from a network, and nothing about how it is built: topics to publish and
 * subscribe, request/response to a peer, and the membership view with its changes. {@link Overlay}
 * implements it over any {@link dev.wattswarm.p2p.transport.Transport} (TLS sockets or the
 * simulator); a NATS-backed implementation can implement it over subjects instead.
 */
public interface Substrate extends AutoCloseable {
  /** Membership changes. */
  interface MembershipListener {
    void peerUp(NodeId peer);

    void peerDown(NodeId peer);
  }

  NodeId localId();

  /** Broadcasts to every subscriber of {@code topic}; {@code id} names the message swarm-wide. */
  void publish(String topic, byte[] id, byte[] payload);

  /** Receives each message of {@code topic} once; every message is accepted. */
  default void subscribe(String topic, Plumtree.Delivery delivery) {
    subscribe(topic, dev.wattswarm.p2p.gossip.Validator.ACCEPT_ALL, delivery);
  }

  /**
   * Receives each valid message of {@code topic} once. {@code validator} judges every received
   * message before it is marked seen, kept or forwarded: a rejected one is a strike against the
   * peer that sent it and does not stop the genuine message with the same id from arriving.
   */
  void subscribe(String topic, dev.wattswarm.p2p.gossip.Validator validator, Plumtree.Delivery delivery);

  void unsubscribe(String topic);

  /**
   * Which peers may be in which scoped topic's broadcast tree; a private topic (a DM thread) names
   * only its parties, so no one else is pushed its messages. The default substrate has no trees
   * to keep anyone out of, so it ignores the filter.
   */
  default void topicPeerFilter(java.util.function.BiPredicate<String, NodeId> allowed) {}

  /** Asks a peer; fails with a TimeoutException after {@code timeoutMs}. */
  CompletableFuture<byte[]> request(NodeId peer, byte[] payload, long timeoutMs);

  /**
   * Asks a peer, sending {@code direct} only when it goes over a link that itself proves the peer
   * (TLS to the peer's node key) and {@code anyPath.get()} on every other path: through relays, or
   * again after that link fell. A substrate that cannot tell always sends {@code anyPath}. An
   * answer is bound to the peer asked on every path; see {@link ProvenHandler} for the answering side.
   * The caller's thread may write the request itself, so it must be one that may wait on the peer.
   */
  default CompletableFuture<byte[]> request(NodeId peer, byte[] direct, java.util.function.Supplier<byte[]> anyPath, long timeoutMs) {
    return request(peer, anyPath.get(), timeoutMs);
  }

  /** Answers requests, told whether each came over a link that proves its origin. */
  @FunctionalInterface
  interface ProvenHandler {
    /**
     * @param direct true when the bytes came over a link that proves {@code origin} (and the answer
     *     goes back on it); false when relayed, or when the substrate cannot tell
     */
    CompletableFuture<byte[]> answer(NodeId origin, boolean direct, byte[] payload);
  }

  /** Like {@link #onRequest}, with each request's path; the default says "not direct" for all. */
  default void onProvenRequest(ProvenHandler handler) {
    onRequest((origin, payload) -> handler.answer(origin, false, payload));
  }

  /** Measures this node's outgoing requests; the default substrate reports nothing. */
  default void observeRequests(RequestObserver observer) {}

  /** Answers peers' requests, possibly asynchronously; completing with null means no answer. */
  void onRequest(BiFunction<NodeId, byte[], CompletableFuture<byte[]>> handler);

  /** The peers this node is connected to now, with their addresses; safe from any thread. */
  Map<NodeId, PeerInfo> neighbours();

  void addMembershipListener(MembershipListener listener);

  /** Peers in a topic's broadcast tree (for scoped topics, other subscribers); a recent snapshot. */
  java.util.Set<NodeId> peersFor(String topic);

  /** The clock and thread the substrate runs its timers on. */
  Scheduler scheduler();

  /** A strike against a peer that sent something invalid; repeated strikes ban it for a while. */
  void penalize(NodeId peer, String reason);

  /** Responses that came after their request timed out, dropped. */
  long lateResponses();

  /** Peers refused (failed proof, wrong network, protocol violations). */
  long rejectedPeers();

  /**
   * Everything the substrate dropped, refused or punished, by reason (strikes, bans, rate and
   * queue drops, misrouted and late responses, rejected gossip, timer failures, ...), sorted by
   * key. A snapshot, safe from any thread.
   */
  Map<String, Long> defenseCounters();

  @Override
  void close();
}
