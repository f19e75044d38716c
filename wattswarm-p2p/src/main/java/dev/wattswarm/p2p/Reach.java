package dev.wattswarm.p2p;

import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.limits.DefenseCounters;
import dev.wattswarm.p2p.reach.DirectLinks;
import dev.wattswarm.p2p.reach.ReachConfig;
import dev.wattswarm.p2p.reach.Relay;
import dev.wattswarm.p2p.transport.Link;
import dev.wattswarm.p2p.transport.Scheduler;
import dev.wattswarm.p2p.transport.Transport;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * How a request finds its peer, whoever it is: over the link a neighbour or topic tree already
 * has; else over a cached direct link; else by dialling the addresses the peer signed (every dial
 * is TLS-proven against the peer's id, so a wrong or lying address only fails); else, or when
 * every address fails, through the {@link Relay}, which fails the request fast when every relay
 * branch reports that nobody holds a link to the peer. Answers on a link are bound to (the link's
 * proven peer, request id) by {@link Requests}; relayed answers to the asked peer's signature.
 *
 * <p>Single-threaded on the overlay's scheduler.
 */
final class Reach {
  private record Ask(byte[] payload, long deadline, CompletableFuture<byte[]> future) {}

  private final Transport transport;
  private final Scheduler scheduler;
  private final ReachConfig cfg;
  private final Requests requests;
  private final DefenseCounters counters;
  private final Function<NodeId, Link> ownedLink;
  private final Function<NodeId, Collection<String>> knownAddresses;
  private final DirectLinks direct;
  private final Relay relay;
  /** Requests waiting for a dial to their peer, per peer. */
  private final Map<NodeId, List<Ask>> dialing = new HashMap<>();
  private final Map<NodeId, Long> undialable = new HashMap<>();
  private volatile Function<NodeId, Collection<String>> addresses = p -> List.of();
  /** Links found for peers, readable from any thread, so a request can skip the protocol thread. */
  private final java.util.concurrent.ConcurrentHashMap<NodeId, Link> quick = new java.util.concurrent.ConcurrentHashMap<>();
  private final Set<Link> usedQuickly = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * @param ownedLink a neighbour's or topic tree's link to a peer, or null
   * @param knownAddresses addresses the overlay itself has heard for a peer (passive view), unsigned
   */
  Reach(Transport transport, Scheduler scheduler, ReachConfig cfg, Requests requests, DefenseCounters counters,
      Function<NodeId, Link> ownedLink, Function<NodeId, Collection<String>> knownAddresses, Relay.Env relayEnv,
      java.util.Random random, int maxPayload) {
    this.transport = transport;
    this.scheduler = scheduler;
    this.cfg = cfg;
    this.requests = requests;
    this.counters = counters;
    this.ownedLink = ownedLink;
    this.knownAddresses = knownAddresses;
    this.direct = new DirectLinks(cfg.maxDirectLinks(), cfg.directIdleMs(), l -> ownedLink.apply(l.peer()) == l);
    this.relay = new Relay(transport.networkId(), transport.localId(), scheduler, cfg, counters, transport::sign, relayEnv,
        random, maxPayload);
  }

  /** Where to look up the addresses a peer signed (its node record); may be called from any thread. */
  void addresses(Function<NodeId, Collection<String>> resolver) {
    this.addresses = resolver;
  }

  Relay relay() {
    return relay;
  }

  DirectLinks direct() {
    return direct;
  }

  /** An open link to {@code peer}: a neighbour's, a topic tree's or a direct one; or null. */
  Link linkTo(NodeId peer) {
    Link l = ownedLink.apply(peer);
    return l != null ? l : direct.get(peer, scheduler.now());
  }

  void ask(NodeId peer, byte[] payload, long timeoutMs, CompletableFuture<byte[]> f) {
    if (peer.equals(transport.localId())) {
      f.completeExceptionally(new IllegalArgumentException("a node does not send requests to itself"));
      return;
    }
    Link l = linkTo(peer);
    if (l != null) {
      if (requests.ask(l, payload, timeoutMs, f)) {
        quick.put(peer, l);
        return;
      }
      quick.remove(peer, l); // closing: dial afresh below
    }
    long now = scheduler.now();
    Long until = undialable.get(peer);
    if (until != null && until > now) {
      relay.ask(peer, payload, timeoutMs, f);
      return;
    }
    List<Ask> queued = dialing.get(peer);
    if (queued != null) {
      if (queued.size() >= 64) {
        relay.ask(peer, payload, timeoutMs, f);
      } else {
        queued.add(new Ask(payload, now + timeoutMs, f));
      }
      return;
    }
    List<String> addrs = candidates(peer);
    if (addrs.isEmpty() || dialing.size() >= cfg.maxDialsInFlight()) {
      counters.inc(addrs.isEmpty() ? "reach.no_address" : "reach.dials_full");
      relay.ask(peer, payload, timeoutMs, f);
      return;
    }
    List<Ask> asks = new ArrayList<>();
    asks.add(new Ask(payload, now + timeoutMs, f));
    dialing.put(peer, asks);
    counters.inc("reach.dials");
    dial(peer, addrs.iterator());
  }

  private List<String> candidates(NodeId peer) {
    Set<String> out = new LinkedHashSet<>();
    try {
      out.addAll(addresses.apply(peer));
    } catch (RuntimeException e) {
      counters.inc("reach.resolver_failures");
    }
    out.addAll(knownAddresses.apply(peer));
    out.remove(transport.localAddress());
    List<String> l = new ArrayList<>(out);
    return l.size() > 8 ? l.subList(0, 8) : l;
  }

  private void dial(NodeId peer, Iterator<String> addrs) {
    if (!addrs.hasNext()) {
      counters.inc("reach.undialable");
      undialable.put(peer, scheduler.now() + cfg.undialableMs());
      if (undialable.size() > 4 * cfg.maxDirectLinks()) undialable.values().removeIf(t -> t <= scheduler.now());
      flushToRelay(peer);
      return;
    }
    String a = addrs.next();
    CompletableFuture<Link> c;
    try {
      c = transport.connect(a, peer);
    } catch (RuntimeException e) {
      counters.inc("reach.bad_addresses");
      dial(peer, addrs);
      return;
    }
    c.whenComplete((link, err) -> scheduler.execute(() -> {
      if (err != null || link == null) {
        counters.inc("reach.dial_failures");
        dial(peer, addrs);
        return;
      }
      direct.put(link, scheduler.now());
      quick.put(peer, link);
      undialable.remove(peer);
      List<Ask> asks = dialing.remove(peer);
      if (asks == null) return;
      for (Ask ask : asks) {
        long left = ask.deadline() - scheduler.now();
        if (left <= 0) ask.future().completeExceptionally(new TimeoutException("dialling " + peer + " took the whole timeout"));
        else if (!requests.ask(link, ask.payload(), left, ask.future())) relay.ask(peer, ask.payload(), left, ask.future());
      }
    }));
  }

  private void flushToRelay(NodeId peer) {
    List<Ask> asks = dialing.remove(peer);
    if (asks == null) return;
    for (Ask ask : asks) {
      long left = ask.deadline() - scheduler.now();
      if (left <= 0) ask.future().completeExceptionally(new TimeoutException("no way to reach " + peer + " within the timeout"));
      else relay.ask(peer, ask.payload(), left, ask.future());
    }
  }

  /** A request or relayed frame came in on a link no neighbour or tree uses: keep it (bounded, idle-expired). */
  void adopt(Link link) {
    if (ownedLink.apply(link.peer()) == link) return;
    direct.put(link, scheduler.now());
  }

  /** An open link found earlier for {@code peer}, or null; any thread. */
  Link quickLink(NodeId peer) {
    Link l = quick.get(peer);
    if (l == null) return null;
    if (l.isOpen()) {
      usedQuickly.add(l);
      return l;
    }
    quick.remove(peer, l);
    return null;
  }

  /** A request came in on {@code link} (any thread): it counts as use, so a direct link in use is not closed as idle. */
  void used(Link link) {
    usedQuickly.add(link);
  }

  void linkDown(Link link) {
    direct.linkDown(link);
    relay.linkDown(link);
    quick.remove(link.peer(), link);
  }

  void sweep() {
    // requests on the quick path do not touch the direct-link cache: mark those links used now
    // (an idle link leaves the quick map when it closes)
    for (Link l : usedQuickly) if (direct.holds(l)) direct.get(l.peer(), scheduler.now());
    usedQuickly.clear();
    direct.sweep(scheduler.now());
    relay.sweep();
    long now = scheduler.now();
    undialable.values().removeIf(t -> t <= now);
  }
}
