package dev.wattswarm.p2p.reach;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.limits.DefenseCounters;
import dev.wattswarm.p2p.transport.Link;
import dev.wattswarm.p2p.transport.Scheduler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The fallback path to a peer that cannot be dialled: the request floods the membership graph
 * (every hop forwards it to its neighbours, or only to the target when it holds a link to it) for
 * at most {@code relayTtl} hops, each node passing it on once; the answer retraces the paths the
 * request took. Every hop verifies the end-to-end signature before it keeps or forwards anything,
 * and the neighbour that handed over a forged frame takes a strike. The de-duplication set, the
 * reverse routes (in total and per upstream neighbour) and the answers in progress are bounded;
 * requests outside the time window are refused so replay protection need only remember the window.
 *
 * <p>Failing fast: each hop answers the neighbour that handed it a request with a {@link
 * RelayFrames.Nack} once nothing can come back through it: at once when it had the request
 * already (another path covers it), else once every neighbour it passed the request on to has
 * said the same (an echo over the flood's tree). A NACK is exhaustive only when every branch below
 * ended at nodes with nowhere new to go; one that ran out of hops, hit a full table or lost a link
 * (even the link to the target: the answer may have been on it) is inconclusive. The asker fails
 * with {@link UnreachableException} when one of its floods comes back exhaustive from every
 * neighbour; an inconclusive one brings the next flood forward, up to three in all. A lying
 * neighbour can only close its own branch: the asker still waits for every other one, and an
 * answer is signed by the target.
 *
 * <p>Single-threaded on the overlay's scheduler, except the sending of answers.
 */
public final class Relay {
  /** What the relay needs from the overlay. */
  public interface Env {
    /** An open link to {@code peer} (neighbour, topic or direct), or null. */
    Link linkTo(NodeId peer);

    /** Links to the current membership neighbours. */
    Collection<Link> neighbourLinks();

    /** Answers a request from {@code origin}; completing with null means no answer. */
    CompletableFuture<byte[]> handle(NodeId origin, byte[] payload);

    /** A strike against the peer of {@code link}, which sent something forged. */
    void strike(Link link, String key, String detail);
  }

  /** A relayed request passing through: who handed it over, who it went on to, what came back. */
  private static final class Route {
    final List<Link> upstream;
    final long expiresAt;
    /** Links it was passed on to that have not said "not through me" yet. */
    final Set<Link> pending = new HashSet<>();
    boolean inconclusive;

    Route(List<Link> upstream, long expiresAt) {
      this.upstream = upstream;
      this.expiresAt = expiresAt;
    }
  }

  /** A request of ours: its floods so far (at most {@link #MAX_FLOODS}) and when it gives up. */
  private record Waiting(NodeId target, CompletableFuture<byte[]> future, List<String> keys, byte[] payload, long deadline) {}

  /** One flood of a request of ours, and the neighbours it went to that have not answered "not through me". */
  private static final class Flood {
    final Waiting waiting;
    final Set<Link> pending = new HashSet<>();
    boolean inconclusive;

    Flood(Waiting waiting) {
      this.waiting = waiting;
    }
  }

  private static final int MAX_PATHS = 3;
  /** Ways back the target keeps for its answer: every copy that reached it, up to a neighbour set. */
  private static final int MAX_TARGET_PATHS = 8;
  /** Answers kept for copies of their request arriving later (bytes in all). */
  static final int ANSWERED_BYTES = 4 << 20;
  /**
   * The largest answer kept for later copies: room for an agent's largest reply (256 KiB body,
   * base64 and envelope on top), so a request whose first path swallowed a big answer is not left
   * with none.
   */
  static final int MAX_ANSWER_KEPT = 512 << 10;
  /** Floods per request: the first, and two more when the earlier ones found nothing conclusive. */
  static final int MAX_FLOODS = 3;
  /** Pause after a flood came back: before searching again, or before calling the target gone. */
  static final long REFLOOD_MS = 1_000;

  private final String networkId;
  private final NodeId self;
  private final Scheduler scheduler;
  private final ReachConfig cfg;
  private final DefenseCounters counters;
  private final UnaryOperator<byte[]> signer;
  private final Env env;
  private final Random random;
  private final int maxPayload;
  private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();
  private final LinkedHashMap<String, Route> routes = new LinkedHashMap<>();
  private final Map<NodeId, Integer> routesPerPeer = new HashMap<>();
  private final Map<String, Flood> waiting = new HashMap<>();
  private final AtomicInteger answering = new AtomicInteger();
  private final LinkedHashMap<String, byte[]> answered = new LinkedHashMap<>();
  private long answeredBytes;

  public Relay(String networkId, NodeId self, Scheduler scheduler, ReachConfig cfg, DefenseCounters counters,
      UnaryOperator<byte[]> signer, Env env, Random random, int maxPayload) {
    this.networkId = networkId;
    this.self = self;
    this.scheduler = scheduler;
    this.cfg = cfg;
    this.counters = counters;
    this.signer = signer;
    this.env = env;
    this.random = random;
    this.maxPayload = maxPayload;
  }

  /**
   * Sends {@code payload} to {@code target} through the overlay; {@code f} gets the verified answer
   * or a timeout. A path can break while the request is out (a relay crashes, or is caught lying
   * and cut off), so an unanswered request is flooded again, under a fresh relay id, after a third
   * and two thirds of the timeout, or sooner when a flood comes back inconclusive.
   */
  public void ask(NodeId target, byte[] payload, long timeoutMs, CompletableFuture<byte[]> f) {
    // with no neighbour right now (membership repairing), the retries below flood once there are some
    List<String> keys = new ArrayList<>(MAX_FLOODS);
    Waiting w = new Waiting(target, f, keys, payload, scheduler.now() + timeoutMs);
    if (!flood(w)) return;
    counters.inc("relay.asked");
    for (int i = 1; i < MAX_FLOODS; i++) {
      int nth = i + 1;
      scheduler.schedule(timeoutMs * i / MAX_FLOODS, () -> refloodAsNth(w, nth));
    }
    scheduler.schedule(timeoutMs, () -> {
      for (String k : keys) waiting.remove(k);
      f.completeExceptionally(new TimeoutException("no answer from " + target + " (relayed) in " + timeoutMs + " ms"));
    });
  }

  /** Sends flood number {@code nth} unless the request ended or that many went out already. */
  private void refloodAsNth(Waiting w, int nth) {
    if (!w.future().isDone() && w.keys().size() < nth && flood(w)) counters.inc("relay.retries");
  }

  private boolean flood(Waiting w) {
    if (routes.size() + waiting.size() >= cfg.maxRelayRoutes()) {
      counters.inc("relay.refused_full");
      w.future().completeExceptionally(new IllegalStateException("too many relayed requests are under way; try again shortly"));
      return false;
    }
    byte[] id = new byte[RelayFrames.ID_BYTES];
    random.nextBytes(id);
    String key = Hashes.hex(id);
    RelayFrames.Request req = RelayFrames.request(networkId, id, self, w.target(), cfg.relayTtl(), scheduler.now(), w.payload(), signer);
    remember(key);
    Flood fl = new Flood(w);
    waiting.put(key, fl);
    w.keys().add(key);
    byte[] frame = req.encode();
    for (Link l : env.neighbourLinks()) if (l.send(frame)) fl.pending.add(l);
    // no neighbour right now proves nothing about the target: wait for the next flood
    if (fl.pending.isEmpty()) fl.inconclusive = true;
    return true;
  }

  /** A RELAY_REQUEST arrived on {@code link}. */
  public void onRequest(Link link, RelayFrames.Request req) {
    String key = Hashes.hex(req.relayId());
    Route r = routes.get(key);
    if (seen.containsKey(key)) {
      counters.inc("relay.duplicates");
      // a copy becomes a way back for the answer, or is sent the answer, only once it proves to be
      // the request its origin signed: a forged copy would take a path slot or draw the answer
      boolean wouldUse = r != null || (req.target().equals(self) && answered.containsKey(key));
      if (wouldUse && !req.verify(networkId)) {
        env.strike(link, "relay_forged", link.peer() + " relayed a copy of a request not signed by its origin " + req.origin());
        return;
      }
      if (req.target().equals(self)) {
        duplicateAtTarget(key, r, link, req.relayId());
        return;
      }
      // another path's copy: keep it as a spare way back for the answer, and tell that path at
      // once that nothing will come back through here that the first path does not cover
      if (r != null && r.upstream.size() < MAX_PATHS && !r.upstream.contains(link)) r.upstream.add(link);
      nack(link, req.relayId(), true);
      return;
    }
    long now = scheduler.now();
    if (Math.abs(now - req.issuedAt()) > cfg.relayWindowMs()) {
      counters.inc("relay.outside_window");
      nack(link, req.relayId(), false);
      return;
    }
    if (!req.verify(networkId)) {
      env.strike(link, "relay_forged", link.peer() + " relayed a request not signed by its origin " + req.origin());
      return;
    }
    if (req.origin().equals(self)) {
      counters.inc("relay.own_echo");
      nack(link, req.relayId(), true);
      return;
    }
    remember(key);
    if (!req.target().equals(self) && req.ttl() <= 1) {
      counters.inc("relay.ttl_expired");
      nack(link, req.relayId(), false);
      return;
    }
    Route route = addRoute(key, link, now);
    if (route == null) {
      nack(link, req.relayId(), false);
      return;
    }
    if (req.target().equals(self)) {
      answer(key, req);
      return;
    }
    byte[] frame = req.withTtl(req.ttl() - 1).encode();
    Link direct = env.linkTo(req.target());
    if (direct != null) {
      if (direct.send(frame)) route.pending.add(direct);
    } else {
      for (Link l : env.neighbourLinks()) {
        if (!l.peer().equals(link.peer()) && !l.peer().equals(req.origin()) && l.send(frame)) route.pending.add(l);
      }
    }
    counters.inc("relay.forwarded");
    if (route.pending.isEmpty()) conclude(key, route);
  }

  /**
   * Another copy of a request to us. It is answered, not denied: our first copy may have come
   * through a relay that passes requests on and swallows answers, and the path this copy took may
   * be the only honest one. So the answer goes back on every path a copy came by (the answer is
   * signed for the origin, and relays see answers anyway).
   */
  private void duplicateAtTarget(String key, Route r, Link link, byte[] relayId) {
    byte[] sent = answered.get(key);
    if (sent != null) {
      if (link.isOpen()) link.send(sent);
    } else if (r != null && r.upstream.size() < MAX_TARGET_PATHS) {
      if (!r.upstream.contains(link)) r.upstream.add(link);
    } else {
      nack(link, relayId, false);
    }
  }

  /** Keeps an answer we sent for copies still on their way, within {@link #ANSWERED_BYTES} in all. */
  private void keepAnswer(String key, byte[] frame) {
    if (frame.length > MAX_ANSWER_KEPT) return;
    answered.put(key, frame);
    answeredBytes += frame.length;
    for (Iterator<byte[]> it = answered.values().iterator(); answeredBytes > ANSWERED_BYTES && it.hasNext(); ) {
      answeredBytes -= it.next().length;
      it.remove();
    }
  }

  /** A RELAY_NACK arrived on {@code link}: nothing will come back through it for that request. */
  public void onNack(Link link, RelayFrames.Nack nack) {
    String key = Hashes.hex(nack.relayId());
    Flood fl = waiting.get(key);
    if (fl != null) {
      // only a neighbour we handed this very flood to may close its branch of it
      if (!fl.pending.remove(link)) {
        counters.inc("relay.unexpected_nacks");
        return;
      }
      if (!nack.exhaustive()) fl.inconclusive = true;
      if (fl.pending.isEmpty()) floodEnded(key, fl);
      return;
    }
    Route r = routes.get(key);
    if (r == null || !r.pending.remove(link)) {
      counters.inc("relay.unexpected_nacks");
      return;
    }
    if (!nack.exhaustive()) r.inconclusive = true;
    if (r.pending.isEmpty()) conclude(key, r);
  }

  /**
   * {@code link} is gone: its branches of the requests under way will say nothing more. That
   * proves nothing, not even when the link was to the target itself: membership drops and
   * replaces links to live nodes all the time, and an answer on its way back dies with its link.
   */
  public void linkDown(Link link) {
    List<String> ended = new ArrayList<>();
    for (Map.Entry<String, Flood> e : waiting.entrySet()) {
      Flood fl = e.getValue();
      if (!fl.pending.remove(link)) continue;
      fl.inconclusive = true;
      if (fl.pending.isEmpty()) ended.add(e.getKey());
    }
    for (String k : ended) {
      Flood fl = waiting.get(k);
      if (fl != null) floodEnded(k, fl);
    }
    ended.clear();
    for (Map.Entry<String, Route> e : routes.entrySet()) {
      Route r = e.getValue();
      if (!r.pending.remove(link)) continue;
      r.inconclusive = true;
      if (r.pending.isEmpty()) ended.add(e.getKey());
    }
    for (String k : ended) {
      Route r = routes.get(k);
      if (r != null) conclude(k, r);
    }
  }

  /**
   * Every branch of a relayed request passing through here came back empty: say so upstream. The
   * route stays until it expires: an answer may still come through a node that had us as a spare
   * way back.
   */
  private void conclude(String key, Route r) {
    r.pending.clear();
    nack(r.upstream.get(0), Hashes.unhex(key), !r.inconclusive);
  }

  /** Every neighbour a flood of ours went to said "not through me". */
  private void floodEnded(String key, Flood fl) {
    counters.inc("relay.floods_nacked");
    Waiting w = fl.waiting;
    long pause = Math.max(0, Math.min(REFLOOD_MS, (w.deadline() - scheduler.now()) / 2));
    if (fl.inconclusive) {
      // the search stopped short somewhere: search again soon rather than at the next scheduled
      // flood, within the same budget of floods (each one costs a message on every overlay link)
      int nth = w.keys().size() + 1;
      if (nth <= MAX_FLOODS) scheduler.schedule(pause, () -> refloodAsNth(w, nth));
      return;
    }
    // a neighbour that passed the request on and swallows what comes back can say "not through
    // me" before the answer, sent back on every path a copy took, has had time to arrive: give it
    // a moment before calling the target gone
    scheduler.schedule(pause, () -> unreachable(w));
  }

  private void unreachable(Waiting w) {
    if (w.future().isDone()) return;
    for (String k : w.keys()) waiting.remove(k);
    counters.inc("relay.unreachable");
    w.future().completeExceptionally(new UnreachableException(w.target(), "node " + w.target()
        + " is unreachable: it could not be dialled and no node reachable through the overlay holds a link to it"));
  }

  private void nack(Link link, byte[] relayId, boolean exhaustive) {
    if (link.isOpen() && link.send(new RelayFrames.Nack(relayId, exhaustive).encode())) counters.inc("relay.nacks_sent");
  }

  private Route addRoute(String key, Link upstream, long now) {
    int mine = routesPerPeer.getOrDefault(upstream.peer(), 0);
    if (mine >= cfg.maxRelayRoutesPerPeer() || routes.size() + waiting.size() >= cfg.maxRelayRoutes()) {
      counters.inc("relay.dropped_routes_full");
      return null;
    }
    List<Link> ups = new ArrayList<>(MAX_PATHS);
    ups.add(upstream);
    Route r = new Route(ups, now + cfg.relayWindowMs());
    routes.put(key, r);
    routesPerPeer.put(upstream.peer(), mine + 1);
    return r;
  }

  private void answer(String key, RelayFrames.Request req) {
    if (answering.incrementAndGet() > cfg.maxRelayedAnswers()) {
      answering.decrementAndGet();
      counters.inc("relay.dropped_answers_busy");
      markInconclusive(key);
      return;
    }
    CompletableFuture<byte[]> a;
    try {
      a = env.handle(req.origin(), req.payload());
    } catch (RuntimeException e) {
      a = CompletableFuture.failedFuture(e);
    }
    a.whenComplete((body, err) -> {
      answering.decrementAndGet();
      if (body == null || body.length > maxPayload) {
        scheduler.execute(() -> markInconclusive(key));
        return;
      }
      byte[] frame = RelayFrames.response(networkId, req, body, signer).encode();
      // the routes table is the scheduler's; hop back onto it to read the ways back
      scheduler.execute(() -> {
        Link direct = env.linkTo(req.origin());
        if (direct != null) direct.send(frame);
        keepAnswer(key, frame);
        Route r = routes.remove(key);
        if (r == null) return;
        release(r);
        for (Link l : r.upstream) if (l != direct && l.isOpen()) l.send(frame);
      });
    });
  }

  /** We are the target and give no answer (busy, or the handler declined): this is no proof of absence. */
  private void markInconclusive(String key) {
    Route r = routes.remove(key);
    if (r == null) return;
    release(r);
    r.inconclusive = true;
    conclude(key, r);
  }

  /** A RELAY_RESPONSE arrived on {@code link}. */
  public void onResponse(Link link, RelayFrames.Response resp) {
    String key = Hashes.hex(resp.relayId());
    if (!resp.verify(networkId)) {
      env.strike(link, "relay_forged", link.peer() + " relayed an answer not signed by " + resp.target());
      return;
    }
    if (resp.origin().equals(self)) {
      Flood fl = waiting.get(key);
      Waiting w = fl == null ? null : fl.waiting;
      if (w == null || !w.target().equals(resp.target())) {
        counters.inc("relay.late_responses");
        return;
      }
      for (String k : w.keys()) waiting.remove(k);
      w.future().complete(resp.payload());
      return;
    }
    Route r = routes.remove(key);
    if (r == null) {
      counters.inc("relay.unrouted_responses");
      return;
    }
    release(r);
    byte[] frame = resp.encode();
    for (Link l : r.upstream) if (l.isOpen()) l.send(frame);
  }

  private void release(Route r) {
    NodeId first = r.upstream.get(0).peer();
    routesPerPeer.computeIfPresent(first, (k, n) -> n <= 1 ? null : n - 1);
  }

  private void remember(String key) {
    seen.put(key, scheduler.now() + cfg.relayWindowMs());
    while (seen.size() > cfg.maxRelaySeen()) {
      Iterator<String> it = seen.keySet().iterator();
      it.next();
      it.remove();
    }
  }

  /** Forgets expired routes and ids. */
  public void sweep() {
    long now = scheduler.now();
    for (Iterator<Route> it = routes.values().iterator(); it.hasNext(); ) {
      Route r = it.next();
      if (r.expiresAt > now) break; // insertion order is expiry order
      it.remove();
      release(r);
    }
    for (Iterator<Long> it = seen.values().iterator(); it.hasNext(); ) {
      if (it.next() > now) break;
      it.remove();
    }
  }

  public int routes() {
    return routes.size();
  }

  public int seenIds() {
    return seen.size();
  }

  public int waiting() {
    return waiting.size();
  }
}
