package dev.wattswarm.server.metrics;

import dev.wattswarm.kernel.event.RejectReason;
import dev.wattswarm.kernel.task.TaskPhase;
import dev.wattswarm.kernel.task.TaskProjector;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.p2p.NetworkRuntime;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What the node already counts, read at scrape time: tasks by state, refused events by reason,
 * peers, the substrate's strikes, bans and other defences, and queue depths. Counters keyed by a
 * reason get a series the first time the reason appears; the reasons are closed sets, so the
 * series stay bounded.
 */
final class NodeGauges {
  private final MeterRegistry registry;
  private final Node node;
  private final NetworkRuntime network;
  private volatile Map<String, Long> tasksByState = Map.of();
  private volatile long countedAtMs = -1;
  /** /metrics needs no token, so scrapes in a tight loop must not turn into a stream of store queries. */
  static final long MIN_COUNT_INTERVAL_MS = 1_000;
  private final Set<String> registered = ConcurrentHashMap.newKeySet();

  NodeGauges(MeterRegistry registry, Node node, NetworkRuntime network) {
    this.registry = registry;
    this.node = node;
    this.network = network;
    for (TaskPhase p : TaskPhase.values()) {
      String state = p.wire();
      Gauge.builder("wattswarm.tasks", this, g -> g.tasksByState.getOrDefault(state, 0L))
          .description("Tasks this node knows, by lifecycle state").tag("state", state).register(registry);
    }
    // every reason from the start, so a rate over a reason that first appears later has a zero before it
    for (RejectReason r : RejectReason.values()) {
      keyed("wattswarm.events.rejected", "reason", r.code(), "Events refused at ingest, by reason", () -> node.log().rejectedByReason());
    }
    Gauge.builder("wattswarm.log.head.position", node.store(), s -> s.headPosition())
        .description("Position of the last event appended to the local log").register(registry);
    Gauge.builder("wattswarm.queue.depth", node.log(), l -> l.writeQueueDepth())
        .description("Items waiting in a node queue").tag("queue", "log_write").register(registry);
    Gauge.builder("wattswarm.queue.depth", node.log(), l -> l.dispatchQueueDepth())
        .description("Items waiting in a node queue").tag("queue", "log_dispatch").register(registry);
    Gauge.builder("wattswarm.p2p.peers", this, g -> g.network == null ? 0 : g.network.peers().size())
        .description("Peers this node is connected to").register(registry);
    for (String c : new String[] {"strikes", "bans"}) {
      FunctionCounter.builder("wattswarm.p2p." + c, this, g -> g.network == null ? 0 : g.network.substrate().defenseCounters().getOrDefault(c, 0L))
          .description(c.equals("strikes") ? "Strikes against peers that sent something invalid" : "Peers banned for repeated strikes")
          .register(registry);
    }
  }

  /** Reads the task counts (at most once a second), and registers counters for reasons seen since the last scrape. */
  void refresh() {
    long now = node.clock().millis();
    if (countedAtMs < 0 || now - countedAtMs >= MIN_COUNT_INTERVAL_MS || now < countedAtMs) {
      tasksByState = node.store().countProjectionsByTag(TaskProjector.NS);
      countedAtMs = now;
    }
    node.log().rejectedByReason().keySet().forEach(r ->
        keyed("wattswarm.events.rejected", "reason", r, "Events refused at ingest, by reason", () -> node.log().rejectedByReason()));
    if (network != null) {
      Supplier<Map<String, Long>> sub = () -> network.substrate().defenseCounters();
      sub.get().keySet().forEach(k -> keyed("wattswarm.p2p.defense", "reason", k,
          "What the p2p substrate dropped, refused or punished, by reason", sub));
      Supplier<Map<String, Long>> sync = () -> network.sync().counters();
      sync.get().keySet().forEach(k -> keyed("wattswarm.sync.events", "counter", k, "Event sync (gossip and backfill) counters", sync));
    }
  }

  private void keyed(String name, String tag, String key, String help, Supplier<Map<String, Long>> source) {
    if (!registered.add(name + "|" + key)) return;
    FunctionCounter.builder(name, source, s -> s.get().getOrDefault(key, 0L).doubleValue())
        .description(help).tag(tag, key).register(registry);
  }
}
