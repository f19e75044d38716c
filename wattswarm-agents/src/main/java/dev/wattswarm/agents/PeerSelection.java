package dev.wattswarm.agents;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * One agent's load-balancing state for {@link PeerClient#discover}, as JarvisCore defines it: kept
 * per calling agent, never shared with other agents or nodes.
 * <ul>
 *   <li>{@code FIRST}: discovery order, unchanged.
 *   <li>{@code RANDOM}: the list shuffled afresh on each call (with the injected generator).
 *   <li>{@code ROUND_ROBIN}: the list rotated one further on each call with the same filter.
 *   <li>{@code LEAST_RECENT}: oldest {@link PeerClient#recordPeerUsage} first; never used before used,
 *       ties in discovery order. Timestamps come from the node's (injectable) clock.
 * </ul>
 * Both maps are bounded: usage is kept for at most {@link #MAX_TRACKED} agents (those no longer
 * known go first, then the oldest), round-robin positions for at most {@link #MAX_TRACKED} filters.
 */
final class PeerSelection {
  static final int MAX_TRACKED = 10_000;

  private final Clock clock;
  private final RandomGenerator random;
  private final Map<String, Long> lastUsed = new LinkedHashMap<>();
  private final Map<String, Long> rotors = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > MAX_TRACKED;
    }
  };

  PeerSelection(Clock clock, RandomGenerator random) {
    this.clock = clock;
    this.random = random;
  }

  /** {@code found} (in discovery order) ordered by {@code strategy}; {@code filter} names the query for round-robin. */
  synchronized List<AgentRecord> order(List<AgentRecord> found, Strategy strategy, String filter) {
    List<AgentRecord> out = new ArrayList<>(found);
    if (out.size() < 2 && strategy != Strategy.ROUND_ROBIN) return out;
    switch (strategy) {
      case FIRST -> {}
      case RANDOM -> Collections.shuffle(out, random);
      case ROUND_ROBIN -> {
        long turn = rotors.merge(filter, 1L, Long::sum) - 1;
        if (!out.isEmpty()) Collections.rotate(out, -(int) (turn % out.size()));
      }
      case LEAST_RECENT -> out.sort(Comparator.comparingLong(a -> lastUsed.getOrDefault(a.agentId(), Long.MIN_VALUE)));
    }
    return out;
  }

  /** Notes that {@code agentId} was just used; {@code known} are the agents still in the registry. */
  synchronized void used(String agentId, Set<String> known) {
    lastUsed.remove(agentId);
    lastUsed.put(agentId, clock.millis());
    if (lastUsed.size() <= MAX_TRACKED) return;
    lastUsed.keySet().removeIf(id -> !known.contains(id) && !id.equals(agentId));
    var it = lastUsed.keySet().iterator();
    while (lastUsed.size() > MAX_TRACKED && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  synchronized Long lastUsed(String agentId) {
    return lastUsed.get(agentId);
  }

  synchronized int tracked() {
    return lastUsed.size();
  }
}
