package dev.wattswarm.p2p.reach;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.limits.DefenseCounters;
import dev.wattswarm.p2p.transport.Link;
import dev.wattswarm.p2p.transport.Scheduler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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

  private record Route(List<Link> upstream, long expiresAt) {}

  private record Waiting(NodeId target, CompletableFuture<byte[]> future, List<String> keys) {}

  private static final int MAX_PATHS = 3;

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
  private final Map<String, Waiting> waiting = new HashMap<>();
  private final AtomicInteger answering = new AtomicInteger();

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
   * and two thirds of the timeout.
   */
  public void ask(NodeId target, byte[] payload, long timeoutMs, CompletableFuture<byte[]> f) {
    // with no neighbour right now (membership repairing), the retries below flood once there are some
    List<String> keys = new ArrayList<>(3);
    Waiting w = new Waiting(target, f, keys);
    if (!flood(w, payload)) return;
    counters.inc("relay.asked");
    for (int i = 1; i <= 2; i++) {
      scheduler.schedule(timeoutMs * i / 3, () -> {
        if (!f.isDone() && flood(w, payload)) counters.inc("relay.retries");
      });
    }
    scheduler.schedule(timeoutMs, () -> {
      for (String k : keys) waiting.remove(k);
      f.completeExceptionally(new TimeoutException("no answer from " + target + " (relayed) in " + timeoutMs + " ms"));
    });
  }

  private boolean flood(Waiting w, byte[] payload) {
    if (routes.size() + waiting.size() >= cfg.maxRelayRoutes()) {
      counters.inc("relay.refused_full");
      w.future().completeExceptionally(new IllegalStateException("too many relayed requests are under way; try again shortly"));
      return false;
    }
    byte[] id = new byte[RelayFrames.ID_BYTES];
    random.nextBytes(id);
    String key = Hashes.hex(id);
    RelayFrames.Request req = RelayFrames.request(networkId, id, self, w.target(), cfg.relayTtl(), scheduler.now(), payload, signer);
    remember(key);
    waiting.put(key, w);
    w.keys().add(key);
    byte[] frame = req.encode();
    for (Link l : env.neighbourLinks()) l.send(frame);
    return true;
  }

  /** A RELAY_REQUEST arrived on {@code link}. */
  public void onRequest(Link link, RelayFrames.Request req) {
    String key = Hashes.hex(req.relayId());
    Route r = routes.get(key);
    if (seen.containsKey(key)) {
      // another path's copy: keep it as a spare way back for the answer
      if (r != null && r.upstream().size() < MAX_PATHS && !r.upstream().contains(link)) r.upstream().add(link);
      counters.inc("relay.duplicates");
      return;
    }
    long now = scheduler.now();
    if (Math.abs(now - req.issuedAt()) > cfg.relayWindowMs()) {
      counters.inc("relay.outside_window");
      return;
    }
    if (!req.verify(networkId)) {
      env.strike(link, "relay_forged", link.peer() + " relayed a request not signed by its origin " + req.origin());
      return;
    }
    if (req.origin().equals(self)) {
      counters.inc("relay.own_echo");
      return;
    }
    remember(key);
    if (!addRoute(key, link, now)) return;
    if (req.target().equals(self)) {
      answer(key, req);
      return;
    }
    if (req.ttl() <= 1) {
      counters.inc("relay.ttl_expired");
      return;
    }
    RelayFrames.Request next = req.withTtl(req.ttl() - 1);
    byte[] frame = next.encode();
    Link direct = env.linkTo(req.target());
    if (direct != null) {
      direct.send(frame);
    } else {
      for (Link l : env.neighbourLinks()) {
        if (!l.peer().equals(link.peer()) && !l.peer().equals(req.origin())) l.send(frame);
      }
    }
    counters.inc("relay.forwarded");
  }

  private boolean addRoute(String key, Link upstream, long now) {
    int mine = routesPerPeer.getOrDefault(upstream.peer(), 0);
    if (mine >= cfg.maxRelayRoutesPerPeer() || routes.size() + waiting.size() >= cfg.maxRelayRoutes()) {
      counters.inc("relay.dropped_routes_full");
      return false;
    }
    List<Link> ups = new ArrayList<>(MAX_PATHS);
    ups.add(upstream);
    routes.put(key, new Route(ups, now + cfg.relayWindowMs()));
    routesPerPeer.put(upstream.peer(), mine + 1);
    return true;
  }

  private void answer(String key, RelayFrames.Request req) {
    if (answering.incrementAndGet() > cfg.maxRelayedAnswers()) {
      answering.decrementAndGet();
      counters.inc("relay.dropped_answers_busy");
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
      if (body == null || body.length > maxPayload) return;
      byte[] frame = RelayFrames.response(networkId, req, body, signer).encode();
      // the routes table is the scheduler's; hop back onto it to read the ways back
      scheduler.execute(() -> {
        Link direct = env.linkTo(req.origin());
        if (direct != null) direct.send(frame);
        Route r = routes.remove(key);
        if (r == null) return;
        release(r);
        for (Link l : r.upstream()) if (l != direct && l.isOpen()) l.send(frame);
      });
    });
  }

  /** A RELAY_RESPONSE arrived on {@code link}. */
  public void onResponse(Link link, RelayFrames.Response resp) {
    String key = Hashes.hex(resp.relayId());
    if (!resp.verify(networkId)) {
      env.strike(link, "relay_forged", link.peer() + " relayed an answer not signed by " + resp.target());
      return;
    }
    if (resp.origin().equals(self)) {
      Waiting w = waiting.get(key);
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
    for (Link l : r.upstream()) if (l.isOpen()) l.send(frame);
  }

  private void release(Route r) {
    NodeId first = r.upstream().get(0).peer();
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
      if (r.expiresAt() > now) break; // insertion order is expiry order
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
