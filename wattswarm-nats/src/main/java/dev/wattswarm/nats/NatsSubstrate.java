package dev.wattswarm.nats;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.Substrate;
import dev.wattswarm.p2p.gossip.Plumtree;
import dev.wattswarm.p2p.gossip.Validator;
import dev.wattswarm.p2p.limits.DefenseCounters;
import dev.wattswarm.p2p.reach.UnreachableException;
import dev.wattswarm.p2p.transport.Periodic;
import dev.wattswarm.p2p.transport.Scheduler;
import dev.wattswarm.p2p.wire.PeerInfo;
import io.nats.client.Dispatcher;
import io.nats.client.KeyValue;
import io.nats.client.impl.Headers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Substrate} over NATS. Durable topics (the log's event kinds) ride JetStream: one
 * stream per scope, one durable consumer per node and topic, so a node that was away replays what
 * it missed. Other topics (agent and node heartbeats) are plain subjects. Requests go to the
 * asked node's inbox and answers come back signed ({@link PairRpc}); membership is signed
 * heartbeats plus records in the network's KV bucket ({@link Members}). NATS is transport only:
 * every message is judged by the same validators as on the TLS overlay.
 *
 * <p>Threads: deliveries, membership changes and timers run on the given scheduler's thread;
 * publish, request and the queries are safe from any thread.
 */
public final class NatsSubstrate implements Substrate {
  private static final Logger log = LoggerFactory.getLogger(NatsSubstrate.class);
  /** Pending messages on a plain subject before NATS drops them as a slow consumer. */
  private static final int CORE_PENDING_MSGS = 20_000;

  private final NatsLink link;
  private final KeyPair key;
  private final NodeId me;
  private final String networkId;
  private final Scheduler scheduler;
  private final Predicate<String> durable;
  private final DefenseCounters counters = new DefenseCounters();
  private final PairRpc rpc;
  private final Members members;
  private final Dispatcher dispatcher;
  private final Map<String, AutoCloseable> topics = new ConcurrentHashMap<>();
  private final Map<String, Boolean> seen = TopicInbound.seenIds();
  private final Set<String> scopes = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * @param durable which topics ride JetStream (the others are plain subjects, for what is only worth having now)
   */
  public NatsSubstrate(NatsLink link, KeyPair key, String networkId, Scheduler scheduler, Predicate<String> durable) {
    this.link = link;
    this.key = key;
    this.me = key.id();
    this.networkId = networkId;
    this.scheduler = scheduler;
    this.durable = durable;
    NatsConfig cfg = link.config();
    KeyValue kv = JetStreamSetup.bucket(link, NatsNames.networkBucket(networkId), Math.max(cfg.memberTimeoutMs() * 10, 3_600_000), 64L << 20);
    this.rpc = new PairRpc(link.connection(), key, networkId, scheduler, cfg, counters);
    this.members = new Members(link.connection(), kv, key, networkId, scheduler, cfg, counters, () -> List.copyOf(scopes));
    this.dispatcher = link.connection().createDispatcher();
    dispatcher.setPendingLimits(CORE_PENDING_MSGS, 64L << 20);
    dispatcher.subscribe(NatsNames.inbox(networkId, me), m -> rpc.onRequest(m.getData(), m.getReplyTo()));
    // one wildcard subscription for every request's own reply subject: nothing per request to leak
    dispatcher.subscribe(rpc.replyWildcard(), m -> {
      if (m.isStatusMessage()) rpc.onStatus(m.getSubject(), m.getStatus().getCode());
      else rpc.onResponse(m.getData());
    });
    dispatcher.subscribe(NatsNames.heartbeats(networkId), m -> {
      byte[] d = m.getData();
      scheduler.execute(() -> members.accept(d));
    });
    // the first heartbeat waits one period: the node wires its request handlers meanwhile, so
    // nobody asks it for backfill before it can answer
    scheduler.execute(members::load);
    Periodic.start(scheduler, "nats-heartbeat", cfg::heartbeatMs, () -> closed, () -> {
      members.beat();
      members.expire();
    }, e -> counters.inc("timer_failures"));
    link.onReconnect(() -> scheduler.execute(() -> {
      members.beat();
      for (AutoCloseable t : topics.values()) if (t instanceof DurableTopic d) d.restart();
    }));
  }

  /** The network's KV bucket (member records and the leader lease). */
  public KeyValue networkBucket() {
    return JetStreamSetup.bucket(link, NatsNames.networkBucket(networkId), Math.max(link.config().memberTimeoutMs() * 10, 3_600_000),
        64L << 20);
  }

  public NatsLink link() {
    return link;
  }

  @Override
  public NodeId localId() {
    return me;
  }

  @Override
  public void publish(String topic, byte[] id, byte[] payload) {
    String subject = NatsNames.subject(topic);
    if (payload.length > link.config().maxMessageBytes()) {
      counters.inc("unsent.oversized");
      return;
    }
    Headers h = new Headers().put(TopicInbound.ID, Hashes.hex(id)).put(TopicInbound.FROM, me.toString());
    seen.put(topic + "|" + Hashes.hex(id), Boolean.TRUE);
    if (durable.test(topic)) {
      h.put(TopicInbound.DEDUP, Hashes.hex(Hashes.sha256(payload)));
      link.jetStream().publishAsync(subject, h, payload).whenComplete((ack, err) -> {
        if (err != null) {
          // the lane backfill repairs what the stream did not take
          counters.inc("unsent.jetstream_failed");
          if (!closed) log.debug("nats: publish on {} failed: {}", topic, err.getMessage());
        }
      });
    } else {
      link.connection().publish(subject, h, payload);
    }
  }

  @Override
  public void subscribe(String topic, Validator validator, Plumtree.Delivery delivery) {
    String subject = NatsNames.subject(topic);
    if (closed) throw new IllegalStateException("substrate closed");
    TopicInbound inbound = new TopicInbound(topic, me, validator, delivery, counters, link.config().maxMessageBytes(), seen);
    if (durable.test(topic)) {
      String scope = NatsNames.scopeOf(networkId, topic);
      if (scope != null) scopes.add(scope);
      DurableTopic d = new DurableTopic(link, networkId, topic, me, scheduler, inbound, counters);
      if (topics.putIfAbsent(topic, d) != null) throw new IllegalStateException("already subscribed to " + topic);
      d.start();
    } else {
      if (topics.putIfAbsent(topic, () -> dispatcher.unsubscribe(subject)) != null) {
        throw new IllegalStateException("already subscribed to " + topic);
      }
      dispatcher.subscribe(subject, m -> scheduler.execute(() -> inbound.handle(m)));
    }
  }

  @Override
  public void unsubscribe(String topic) {
    AutoCloseable t = topics.remove(topic);
    if (t == null) return;
    try {
      t.close();
    } catch (Exception e) {
      counters.inc("unsubscribe_failures");
    }
  }

  @Override
  public CompletableFuture<byte[]> request(NodeId peer, byte[] payload, long timeoutMs) {
    if (closed) return CompletableFuture.failedFuture(new IllegalStateException("substrate closed"));
    if (members.saidGoodbye(peer)) {
      // seen live and gone since: asking would only wait out the timeout (a node not seen yet is asked)
      return CompletableFuture.failedFuture(new UnreachableException(peer, "node " + peer + " left the NATS swarm: it said goodbye"));
    }
    return rpc.ask(peer, payload, timeoutMs);
  }

  @Override
  public void onRequest(BiFunction<NodeId, byte[], CompletableFuture<byte[]>> handler) {
    rpc.handler(handler);
  }

  /**
   * Every request here is proven the way a direct TLS link proves it: the pair secret's MAC binds
   * it to the asker and the node asked, its nonce and time are checked against replay, and the
   * answer is MAC'd to this request's hash. So the agents' per-message signatures would prove
   * nothing more and are left out, as on a direct p2p link.
   */
  @Override
  public CompletableFuture<byte[]> request(NodeId peer, byte[] direct, java.util.function.Supplier<byte[]> anyPath, long timeoutMs) {
    return request(peer, direct, timeoutMs);
  }

  @Override
  public void onProvenRequest(ProvenHandler handler) {
    onRequest((origin, payload) -> handler.answer(origin, true, payload));
  }

  /** The live members, each with the address "nats" (NATS routes; there is nothing to dial). */
  @Override
  public Map<NodeId, PeerInfo> neighbours() {
    Map<NodeId, PeerInfo> out = new LinkedHashMap<>();
    for (NodeId id : members.live().keySet()) out.put(id, new PeerInfo(id, "nats"));
    return out;
  }

  @Override
  public void addMembershipListener(MembershipListener listener) {
    members.addListener(listener);
  }

  /** Members holding the topic's scope (from their signed records). */
  @Override
  public Set<NodeId> peersFor(String topic) {
    String scope = NatsNames.scopeOf(networkId, topic);
    List<NodeId> out = new ArrayList<>();
    for (Members.Member m : members.live().values()) {
      if (scope == null || m.scopes().contains(scope)) out.add(m.id());
    }
    return Set.copyOf(out);
  }

  @Override
  public Scheduler scheduler() {
    return scheduler;
  }

  /**
   * Counted only: NATS does not prove who published, so banning the claimed sender would let
   * anyone get an honest node banned. What a forger sends is refused message by message.
   */
  @Override
  public void penalize(NodeId peer, String reason) {
    counters.inc("strikes." + reason);
  }

  @Override
  public long lateResponses() {
    return rpc.late();
  }

  @Override
  public long rejectedPeers() {
    return counters.get("rejected_members.bad_signature") + counters.get("rejected_members.wrong_network");
  }

  @Override
  public Map<String, Long> defenseCounters() {
    return counters.snapshot();
  }

  /** Messages handed to this node by its durable consumers and not judged yet. */
  public int inHand() {
    int n = 0;
    for (AutoCloseable t : topics.values()) if (t instanceof DurableTopic d) n += d.inHand();
    return n;
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    members.goodbye();
    for (String t : List.copyOf(topics.keySet())) unsubscribe(t);
    try {
      link.connection().closeDispatcher(dispatcher);
    } catch (RuntimeException ignored) {
      // the connection may be gone already
    }
  }
}
