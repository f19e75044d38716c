package dev.wattswarm.nats;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.limits.DefenseCounters;
import dev.wattswarm.p2p.reach.UnreachableException;
import dev.wattswarm.p2p.transport.Scheduler;
import dev.wattswarm.p2p.wire.WireReader;
import dev.wattswarm.p2p.wire.WireWriter;
import io.nats.client.Connection;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;

/**
 * Request/reply between nodes over NATS, with the guarantees the TLS overlay gets from its links.
 * NATS proves nothing about who published, so a request carries its asker, its target, a fresh
 * nonce and the time, authenticated with the secret only the asker and the target share
 * ({@link PairKeys}): the target answers only requests addressed to it, recent, and not seen
 * before. The answer names the request's hash and is authenticated with the same pair secret;
 * the asker takes only an answer from the node it asked, for the request it sent. Anything else on
 * the reply subjects is counted and dropped, and the genuine answer can still arrive.
 *
 * <p>Each request has its own reply subject (the asker's reply prefix and the request's nonce), so
 * when nobody listens on the target's inbox, the server's "no responders" status (503) names the
 * request it is about, and that request fails at once with {@link UnreachableException} instead of
 * waiting out its timeout. The status is the server's word, not the peer's, and anyone who may
 * publish on our reply subjects could send one: it can only end a wait early, never answer.
 */
final class PairRpc {
  static final int REQUEST = 0x51;
  static final int RESPONSE = 0x52;
  private static final int MAX_PENDING_PER_PEER = 256;
  private static final int MAX_INFLIGHT_PER_PEER = 64;
  private static final int MAX_REPLAY_ENTRIES = 200_000;

  private record Pending(NodeId peer, byte[] requestHash, CompletableFuture<byte[]> future) {}

  private final Connection conn;
  private final PairKeys pairs;
  private final NodeId me;
  private final String networkId;
  private final Scheduler scheduler;
  private final NatsConfig cfg;
  private final DefenseCounters counters;
  /** Our reply subjects' prefix; the substrate subscribes to {@code <prefix>.*} once. */
  private final String myReplies;
  /**
   * Nonces are a random prefix drawn once and a counter: unique (a restarted node draws a new
   * prefix), which is all the target's replay check and the asker's matching need; secrecy is
   * not needed (anyone on the inbox sees them) and a fresh SecureRandom draw per request cost
   * more than the rest of the request.
   */
  private final byte[] noncePrefix = new byte[8];
  private final java.util.concurrent.atomic.AtomicLong nonceCounter = new java.util.concurrent.atomic.AtomicLong();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Map<NodeId, Integer> pendingPerPeer = new ConcurrentHashMap<>();
  private final Map<NodeId, Integer> answering = new ConcurrentHashMap<>();
  private final Map<NodeId, String> replySubjects = java.util.Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<NodeId, String> e) {
      return size() > 4_096;
    }
  });
  /** Nonces of requests answered, until they are too old to be accepted anyway. */
  private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();
  private volatile BiFunction<NodeId, byte[], CompletableFuture<byte[]>> handler = (p, b) -> CompletableFuture.completedFuture(null);

  PairRpc(Connection conn, KeyPair key, String networkId, Scheduler scheduler, NatsConfig cfg, DefenseCounters counters) {
    this.conn = conn;
    this.pairs = new PairKeys(key, networkId);
    new SecureRandom().nextBytes(noncePrefix);
    this.me = key.id();
    this.networkId = networkId;
    this.scheduler = scheduler;
    this.cfg = cfg;
    this.counters = counters;
    this.myReplies = NatsNames.replies(networkId, me);
  }

  /** The one wildcard subject every answer to this node's requests arrives on. */
  String replyWildcard() {
    return myReplies + ".*";
  }

  private String reqDomain() {
    return "wattswarm/nats/request/" + networkId;
  }

  private String repDomain() {
    return "wattswarm/nats/response/" + networkId;
  }

  void handler(BiFunction<NodeId, byte[], CompletableFuture<byte[]>> h) {
    this.handler = h;
  }

  CompletableFuture<byte[]> ask(NodeId peer, byte[] payload, long timeoutMs) {
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    byte[] pair = pairs.with(peer);
    if (pair == null) {
      f.completeExceptionally(new IllegalArgumentException(peer + " is not a usable node key"));
      return f;
    }
    if (payload.length > cfg.maxMessageBytes() - 512) {
      f.completeExceptionally(new IllegalArgumentException("request of " + payload.length + " bytes is over the NATS message cap"));
      return f;
    }
    if (pendingPerPeer.merge(peer, 1, Integer::sum) > MAX_PENDING_PER_PEER) {
      release(pendingPerPeer, peer);
      counters.inc("refused_requests.pending_full");
      f.completeExceptionally(new IllegalStateException(MAX_PENDING_PER_PEER + " requests to " + peer + " are already waiting"));
      return f;
    }
    byte[] nonce = nextNonce();
    byte[] body = new WireWriter(REQUEST).node(me).node(peer).fixed(nonce).i64(scheduler.now()).bytes(payload).done();
    byte[] frame = PairKeys.seal(pair, reqDomain(), body);
    String id = Hashes.hex(nonce);
    pending.put(id, new Pending(peer, Hashes.sha256(frame), f));
    scheduler.schedule(timeoutMs, () -> {
      Pending p = remove(id);
      if (p != null) p.future().completeExceptionally(new TimeoutException("no answer from " + peer + " in " + timeoutMs + " ms"));
    });
    conn.publish(NatsNames.inbox(networkId, peer), NatsNames.reply(myReplies, id), frame);
    return f;
  }

  /** A peer's reply prefix, kept: a node id decoded from the wire has no text yet, and base58 costs. */
  private String replySubject(NodeId peer) {
    String s = replySubjects.get(peer);
    if (s == null) {
      s = NatsNames.replies(networkId, peer);
      replySubjects.put(peer, s);
    }
    return s;
  }

  private byte[] nextNonce() {
    byte[] n = java.util.Arrays.copyOf(noncePrefix, 16);
    long c = nonceCounter.incrementAndGet();
    for (int i = 0; i < 8; i++) n[8 + i] = (byte) (c >>> (56 - 8 * i));
    return n;
  }

  private Pending remove(String id) {
    Pending p = pending.remove(id);
    if (p != null) release(pendingPerPeer, p.peer());
    return p;
  }

  private static void release(Map<NodeId, Integer> m, NodeId peer) {
    m.computeIfPresent(peer, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** A request arrived on our inbox, answered on {@code replyTo} if it checks out. */
  void onRequest(byte[] frame, String replyTo) {
    NodeId from;
    byte[] nonce;
    long sentAt;
    byte[] payload;
    try {
      byte[] body = PairKeys.body(frame);
      if (body == null) throw new IllegalArgumentException("short");
      WireReader r = new WireReader(body);
      if (r.u8() != REQUEST) throw new IllegalArgumentException("type");
      from = r.node();
      NodeId to = r.node();
      nonce = r.fixed(16);
      sentAt = r.i64();
      payload = r.bytes(cfg.maxMessageBytes());
      if (!to.equals(me)) {
        counters.inc("misaddressed_requests");
        return;
      }
    } catch (RuntimeException e) {
      counters.inc("malformed_requests");
      return;
    }
    byte[] pair = pairs.with(from);
    if (!PairKeys.verify(pair, reqDomain(), frame)) {
      counters.inc("forged_requests");
      return;
    }
    long now = scheduler.now();
    if (Math.abs(now - sentAt) > cfg.requestSkewMs()) {
      counters.inc("stale_requests");
      return;
    }
    String id = Hashes.hex(nonce);
    if (!fresh(id, now)) return;
    if (replyTo == null || !replyTo.equals(NatsNames.reply(replySubject(from), id))) {
      // answers go only to the asker's own reply subject for this very request, never where a
      // relayer points them (the reply-to header is not covered by the MAC, the nonce is)
      counters.inc("misdirected_requests");
      return;
    }
    if (answering.merge(from, 1, Integer::sum) > MAX_INFLIGHT_PER_PEER) {
      release(answering, from);
      counters.inc("dropped_requests.inflight");
      return;
    }
    byte[] reqHash = Hashes.sha256(frame);
    CompletableFuture<byte[]> answer;
    try {
      answer = handler.apply(from, payload);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete((a, err) -> {
      release(answering, from);
      if (a == null) return;
      byte[] body = new WireWriter(RESPONSE).node(me).fixed(reqHash).fixed(nonce).bytes(a).done();
      conn.publish(replyTo, PairKeys.seal(pair, repDomain(), body));
    });
  }

  private synchronized boolean fresh(String nonce, long now) {
    for (Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator(); it.hasNext(); ) {
      if (it.next().getValue() > now) break;
      it.remove();
    }
    if (seen.containsKey(nonce)) {
      counters.inc("replayed_requests");
      return false;
    }
    if (seen.size() >= MAX_REPLAY_ENTRIES) {
      counters.inc("dropped_requests.replay_cache_full");
      return false;
    }
    seen.put(nonce, now + 2 * cfg.requestSkewMs());
    return true;
  }

  /** Something arrived on our reply subject. */
  void onResponse(byte[] frame) {
    NodeId from;
    byte[] reqHash;
    byte[] nonce;
    byte[] payload;
    try {
      byte[] body = PairKeys.body(frame);
      if (body == null) throw new IllegalArgumentException("short");
      WireReader r = new WireReader(body);
      if (r.u8() != RESPONSE) throw new IllegalArgumentException("type");
      from = r.node();
      reqHash = r.fixed(32);
      nonce = r.fixed(16);
      payload = r.bytes(cfg.maxMessageBytes());
    } catch (RuntimeException e) {
      counters.inc("malformed_responses");
      return;
    }
    String id = Hashes.hex(nonce);
    Pending p = pending.get(id);
    if (p == null) {
      counters.inc("late_responses");
      return;
    }
    if (!p.peer().equals(from) || !java.util.Arrays.equals(p.requestHash(), reqHash)) {
      counters.inc("misrouted_responses");
      return;
    }
    if (!PairKeys.verify(pairs.with(from), repDomain(), frame)) {
      counters.inc("forged_responses");
      return;
    }
    if (remove(id) != null) p.future().complete(payload);
  }

  /**
   * A status message on one of our reply subjects. Only "no responders" (503) for a request still
   * waiting means anything: nobody subscribes to its target's inbox, so no answer can come.
   */
  void onStatus(String subject, int code) {
    if (code != 503 || subject == null || subject.length() <= myReplies.length() + 1 || !subject.startsWith(myReplies)) {
      counters.inc("ignored_status_messages");
      return;
    }
    Pending p = remove(subject.substring(myReplies.length() + 1));
    if (p == null) {
      counters.inc("late_no_responders");
      return;
    }
    counters.inc("no_responders");
    p.future().completeExceptionally(new UnreachableException(p.peer(), "node " + p.peer()
        + " is not on the NATS swarm: nobody listens on its inbox"));
  }

  long late() {
    return counters.get("late_responses");
  }
}
