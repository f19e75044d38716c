package dev.wattswarm.p2p.reach;

import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.transport.Link;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Links to peers that are not membership neighbours, kept for requests: bounded, least recently
 * used first out, closed when idle. They live beside HyParView's active view and never enter it,
 * so a busy requester does not reshape anyone's membership. A link that membership or a topic
 * tree has come to use is only forgotten here, never closed. Single-threaded on the overlay's
 * scheduler.
 */
public final class DirectLinks {
  private static final class Entry {
    final Link link;
    long lastUsed;

    Entry(Link link, long lastUsed) {
      this.link = link;
      this.lastUsed = lastUsed;
    }
  }

  private final int max;
  private final long idleMs;
  private final Predicate<Link> ownedElsewhere;
  /** Every link we keep, least recently used first. */
  private final LinkedHashMap<Link, Entry> links = new LinkedHashMap<>(16, 0.75f, true);
  /** The link to use for each peer (both sides may have dialled, leaving two). */
  private final Map<NodeId, Link> preferred = new HashMap<>();
  private long evicted;

  /** @param ownedElsewhere whether membership or a topic tree uses the link (then it is not ours to close) */
  public DirectLinks(int max, long idleMs, Predicate<Link> ownedElsewhere) {
    this.max = max;
    this.idleMs = idleMs;
    this.ownedElsewhere = ownedElsewhere;
  }

  /** An open link to {@code peer}, marked used now; or null. */
  public Link get(NodeId peer, long now) {
    Link l = preferred.get(peer);
    if (l == null) return null;
    if (!l.isOpen()) {
      linkDown(l);
      l = preferred.get(peer);
      if (l == null || !l.isOpen()) return null;
    }
    links.get(l).lastUsed = now;
    return l;
  }

  /** Keeps {@code link}, marked used now; evicts the least recently used when full. */
  public void put(Link link, long now) {
    Entry e = links.get(link);
    if (e != null) {
      e.lastUsed = now;
      return;
    }
    while (links.size() >= max) {
      Iterator<Map.Entry<Link, Entry>> it = links.entrySet().iterator();
      Link eldest = it.next().getKey();
      it.remove();
      forget(eldest);
      evicted++;
      release(eldest, "direct link cache full");
    }
    links.put(link, new Entry(link, now));
    Link p = preferred.get(link.peer());
    if (p == null || !p.isOpen()) preferred.put(link.peer(), link);
  }

  /** Whether {@code link} is one of ours. */
  public boolean holds(Link link) {
    return links.containsKey(link);
  }

  public void linkDown(Link link) {
    if (links.remove(link) != null) forget(link);
  }

  private void forget(Link link) {
    if (preferred.get(link.peer()) != link) return;
    preferred.remove(link.peer());
    for (Link other : links.keySet()) {
      if (other.peer().equals(link.peer()) && other.isOpen()) {
        preferred.put(other.peer(), other);
        return;
      }
    }
  }

  /** Closes links idle for longer than the limit. */
  public void sweep(long now) {
    List<Link> gone = new ArrayList<>();
    for (Entry e : links.values()) {
      if (!e.link.isOpen() || now - e.lastUsed > idleMs) gone.add(e.link);
    }
    for (Link l : gone) {
      linkDown(l);
      if (l.isOpen()) release(l, "idle direct link");
    }
  }

  private void release(Link l, String reason) {
    if (!ownedElsewhere.test(l)) l.close(reason);
  }

  public int size() {
    return links.size();
  }

  public long evicted() {
    return evicted;
  }
}
