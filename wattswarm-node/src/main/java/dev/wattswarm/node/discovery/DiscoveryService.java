package dev.wattswarm.node.discovery;

import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.network.NodeRecord;
import dev.wattswarm.node.network.NodeRecord.Location;
import dev.wattswarm.node.network.NodeRecordBook;
import dev.wattswarm.node.p2p.NetworkRuntime;
import dev.wattswarm.node.p2p.NodeRecords;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovery v1 on one node: a public view over the node's one record layer ({@link NodeRecords}:
 * the same signed records, book, gossip topic, expiry and intake checks that dialling uses), plus
 * what only discovery has: POSTs, queries (by node, near a place, by capability), the discovery
 * URLs a node learns and polls, and neighbour snapshots that carry those URLs. This node's own
 * record is the record layer's, described with the public URL, the agents' capabilities and the
 * location.
 *
 * <p>Threads: the book locks itself. Snapshots and URL fetches run on virtual threads started by
 * the "ws-discovery" timer thread.
 */
public final class DiscoveryService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DiscoveryService.class);

  private final Node node;
  private final NetworkRuntime net;
  private final NodeRecords records;
  private final DiscoveryConfig cfg;
  private final List<String> ownUrls;
  private final BootnodeUrls learned;
  private final Optional<Location> location;
  private final Supplier<List<String>> capabilities;
  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("ws-discovery").factory());
  private DiscoveryGossip gossip;
  private UrlRefresher refresher;
  private volatile String publicUrl;

  /**
   * @param net a network whose {@link NetworkRuntime#records()} is the record layer (TLS overlay or NATS)
   * @param ownUrls {@code WATTSWARM_PUBLIC_DISCOVERY_URLS}: published in join.json and shared with neighbours
   * @param capabilities what this node's agents can do, read each time the record is signed
   */
  public DiscoveryService(Node node, NetworkRuntime net, DiscoveryConfig cfg, List<String> ownUrls, Optional<Location> location,
      Supplier<List<String>> capabilities) {
    if (net.records() == null) throw new IllegalArgumentException("discovery needs the network's record layer");
    if (!net.records().book().networkId().equals(node.networkId())) {
      throw new IllegalArgumentException("the record book is for another network");
    }
    this.node = node;
    this.net = net;
    this.records = net.records();
    this.cfg = cfg;
    this.ownUrls = List.copyOf(ownUrls);
    this.learned = new BootnodeUrls(node.stateDir());
    this.location = location;
    this.capabilities = capabilities;
  }

  /** Timings for a deployment: quick rounds when the node listens on loopback. */
  public static DiscoveryConfig configFor(NetworkRuntime net) {
    return net.advertisedAddress().startsWith("127.") ? DiscoveryConfig.local() : DiscoveryConfig.wan();
  }

  /** Describes this node's record (signed and gossiped at once) and starts snapshots and the refresh rounds. */
  public DiscoveryService start(String publicUrl) {
    this.publicUrl = publicUrl == null || publicUrl.isEmpty() ? null : publicUrl;
    gossip = new DiscoveryGossip(this, node, net);
    refresher = new UrlRefresher(this, cfg);
    Optional<Location> where = location;
    records.describe(() -> this.publicUrl, capabilities, () -> where);
    timer.scheduleWithFixedDelay(() -> Thread.ofVirtual().name("ws-discovery-refresh").start(this::refresh), cfg.refreshMs() / 3,
        cfg.refreshMs(), TimeUnit.MILLISECONDS);
    return node.manage(this);
  }

  private void refresh() {
    try {
      records.book().sweep(node.clock().millis());
      gossip.pullFromRandomNeighbour();
      refresher.round();
    } catch (RuntimeException e) {
      log.warn("discovery refresh round failed: {}", e.getMessage());
    }
  }

  /**
   * A record from outside (POST, a discovery URL, a neighbour's snapshot), taken through the record
   * layer's one intake, and passed on by gossip when it came by POST so the whole network learns it.
   *
   * @param source who handed it over (a client address key, a URL, a peer), charged for new node ids
   * @param client true for a client address (POST), whose budget of new node ids is smaller
   * @throws Refusal saying why nothing was stored
   */
  public NodeRecordBook.Outcome submit(byte[] json, boolean forward, String source, boolean client) {
    try {
      NodeRecord r = RecordIntake.parse(json);
      NodeRecordBook.Outcome o = records.admit(r, source, client);
      if (o == NodeRecordBook.Outcome.STORED && forward) records.spread(r);
      count("accepted." + (forward ? "post" : "pull"));
      return o;
    } catch (Refusal r) {
      count("refused." + r.code());
      throw r;
    }
  }

  void count(String key) {
    counters.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  public Optional<NodeRecord> node(NodeId id) {
    return records.book().get(id, node.clock().millis());
  }

  /** Live records within {@code radiusKm} of {@code at}, nearest first. */
  public List<NodeRecord> nearby(Location at, double radiusKm) {
    return records.book().all(node.clock().millis()).stream().filter(r -> r.location().isPresent())
        .filter(r -> GreatCircle.km(at, r.location().get()) <= radiusKm)
        .sorted(Comparator.comparingDouble(r -> GreatCircle.km(at, r.location().get()))).limit(cfg.maxResults()).toList();
  }

  /** Live records that advertise {@code capability}, most recently issued first. */
  public List<NodeRecord> capability(String capability) {
    return records.book().all(node.clock().millis()).stream().filter(r -> r.capabilities().contains(capability))
        .sorted(Comparator.comparingLong(NodeRecord::issuedAtMs).reversed()).limit(cfg.maxResults()).toList();
  }

  /** Live records, most recently issued first. */
  public List<NodeRecord> all(int limit) {
    return records.book().all(node.clock().millis()).stream().sorted(Comparator.comparingLong(NodeRecord::issuedAtMs).reversed())
        .limit(Math.min(limit, cfg.maxResults())).toList();
  }

  /** The discovery URLs this node publishes: its own, then those it learned. */
  public List<String> discoveryUrls() {
    Set<String> all = new LinkedHashSet<>(ownUrls);
    all.addAll(learned.urls());
    return List.copyOf(all);
  }

  BootnodeUrls learned() {
    return learned;
  }

  /** URLs to pull from and push to: everything known except this node's own listener. */
  List<String> pollTargets() {
    String mine = publicUrl;
    return discoveryUrls().stream().filter(u -> mine == null || !u.startsWith(mine)).toList();
  }

  public NodeRecord own() {
    return records.self();
  }

  public NodeRecordBook book() {
    return records.book();
  }

  public DiscoveryConfig config() {
    return cfg;
  }

  Node host() {
    return node;
  }

  /** Accepted and refused records by way and reason (this service's and the record layer's gossip and snapshots), sorted by key. */
  public Map<String, Long> counters() {
    Map<String, Long> out = new TreeMap<>(records.counters());
    counters.forEach((k, v) -> out.merge(k, v.sum(), Long::sum));
    return out;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    if (gossip != null) gossip.close();
  }
}
