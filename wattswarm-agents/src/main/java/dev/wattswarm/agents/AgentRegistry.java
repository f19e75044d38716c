package dev.wattswarm.agents;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Every agent this node knows: its own (live) and other nodes' (from their signed announcements,
 * forgotten when a node stops announcing). Selection is capacity-aware: full agents are skipped,
 * the least loaded are preferred, then the strategy breaks ties. What other nodes announce is
 * bounded per node and in total: agents beyond the bounds are dropped and counted.
 */
public final class AgentRegistry {
  private final Supplier<List<AgentRecord>> local;
  private final Map<String, List<AgentRecord>> remoteByNode = new ConcurrentHashMap<>();
  private final Map<String, Long> lastUsed = new ConcurrentHashMap<>();
  private final AtomicLong rotor = new AtomicLong();
  private final Random random = new Random();
  private final long expiryMs;
  private final int maxTotal;
  private final AgentCounters counters;
  /** The timestamp of each node's latest announcement, so an older one cannot bring back what it said. */
  private final Map<String, Long> announcedAt = new ConcurrentHashMap<>();

  AgentRegistry(Supplier<List<AgentRecord>> local, long expiryMs, int maxTotal, AgentCounters counters) {
    this.local = local;
    this.expiryMs = expiryMs;
    this.maxTotal = maxTotal;
    this.counters = counters;
  }

  /** Whether an announcement stamped {@code atMs} is newer than the last one taken from that node. */
  boolean newer(String nodeId, long atMs) {
    return atMs > announcedAt.getOrDefault(nodeId, Long.MIN_VALUE);
  }

  synchronized void replaceRemote(String nodeId, List<AgentRecord> agents, long atMs) {
    List<AgentRecord> previous = remoteByNode.getOrDefault(nodeId, List.of());
    int others = remoteByNode.values().stream().mapToInt(List::size).sum() - previous.size();
    int room = Math.max(0, maxTotal - others);
    if (agents.size() > room) {
      for (int i = room; i < agents.size(); i++) counters.inc(AgentCounters.REGISTRY_DROPPED);
      agents = agents.subList(0, room);
    }
    announcedAt.put(nodeId, atMs);
    if (agents.isEmpty()) remoteByNode.remove(nodeId);
    else remoteByNode.put(nodeId, List.copyOf(agents));
  }

  /**
   * Forgets a node's agents at once: a request to it just failed as unreachable (it could not be
   * dialled and no relay holds a link to it). Its last announcement time is kept, so only a newer
   * announcement, which a live node sends every heartbeat, brings them back.
   */
  synchronized void unreachable(String nodeId) {
    if (remoteByNode.remove(nodeId) != null) counters.inc(AgentCounters.UNREACHABLE_NODES);
  }

  synchronized void expire(long now) {
    remoteByNode.values().removeIf(list -> list.isEmpty() || now - list.get(0).seenAtMs() > expiryMs);
    // a node silent for long is forgotten entirely; its next announcement starts afresh
    announcedAt.keySet().removeIf(n -> !remoteByNode.containsKey(n));
    lastUsed.keySet().removeIf(id -> all().stream().noneMatch(a -> a.agentId().equals(id)));
  }

  /** All agents, local first. */
  public List<AgentRecord> all() {
    List<AgentRecord> out = new ArrayList<>(local.get());
    remoteByNode.values().forEach(out::addAll);
    return out;
  }

  /** Agents whose role or capability is {@code roleOrCapability}, or whose id or name is exactly it. */
  public List<AgentRecord> matching(String roleOrCapability) {
    List<AgentRecord> out = new ArrayList<>();
    for (AgentRecord a : all()) {
      if (a.agentId().equals(roleOrCapability) || a.name().equals(roleOrCapability)
          || a.role().wire().equals(roleOrCapability) || a.capabilities().contains(roleOrCapability)) {
        out.add(a);
      }
    }
    return out;
  }

  /** One agent fit for the request, or empty; never one that is full. */
  public java.util.Optional<AgentRecord> choose(List<AgentRecord> candidates, Strategy strategy, String excludeAgentId) {
    List<AgentRecord> ok = new ArrayList<>();
    for (AgentRecord a : candidates) if (!a.full() && !a.agentId().equals(excludeAgentId)) ok.add(a);
    if (ok.isEmpty()) return java.util.Optional.empty();
    int minLoad = ok.stream().mapToInt(AgentRecord::load).min().orElse(0);
    ok.removeIf(a -> a.load() > minLoad);
    ok.sort(Comparator.comparing(AgentRecord::agentId));
    AgentRecord pick = switch (strategy) {
      case FIRST -> ok.get(0);
      case RANDOM -> ok.get(random.nextInt(ok.size()));
      case ROUND_ROBIN -> ok.get((int) (rotor.getAndIncrement() % ok.size()));
      case LEAST_RECENT -> ok.stream().min(Comparator.comparing(a -> lastUsed.getOrDefault(a.agentId(), 0L))).orElseThrow();
    };
    return java.util.Optional.of(pick);
  }

  /**
   * Whether node {@code nodeId} hosts agent {@code agentId} by its latest announcement: the entry
   * was signed by that agent's own key naming that node, so the node holds the agent's key.
   */
  boolean hosts(String nodeId, String agentId) {
    for (AgentRecord a : remoteByNode.getOrDefault(nodeId, List.of())) if (a.agentId().equals(agentId)) return true;
    return false;
  }

  /** Records that an agent was just used (for least_recent). */
  public void used(String agentId, long now) {
    lastUsed.put(agentId, now);
  }
}
