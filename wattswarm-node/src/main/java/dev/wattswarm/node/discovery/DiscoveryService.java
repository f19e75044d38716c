package dev.wattswarm.node.discovery;

import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.network.NodeRecord;
import dev.wattswarm.node.network.NodeRecord.Location;
import dev.wattswarm.node.network.NodeRecordBook;
import dev.wattswarm.node.p2p.NetworkRuntime;
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
 * Discovery v1 on one node: a bounded book of verified, signed node records of this network,
 * fed from POSTs, gossip on {@code {network}.global.discovery}, snapshots from neighbours and the
 * discovery URLs; this node's own record, re-signed and gossiped well before it expires; and the
 * queries the public listener answers (by node, near a place, by capability).
 *
 * <p>Threads: the book locks itself. Gossip is judged on the p2p thread; snapshots and URL
 * fetches run on virtual threads started by the "ws-discovery" timer thread.
 */
public final class DiscoveryService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DiscoveryService.class);

  private final Node node;
  private final NetworkRuntime net;
  private final DiscoveryConfig cfg;
  private final NodeRecordBook book;
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
  private volatile NodeRecord own;

  /**
   * @param ownUrls {@code WATTSWARM_PUBLIC_DISCOVERY_URLS}: published in join.json and shared with neighbours
   * @param capabilities what this node's agents can do, read each time the record is signed
   */
  public DiscoveryService(Node node, NetworkRuntime net, DiscoveryConfig cfg, List<String> ownUrls, Optional<Location> location,
      Supplier<List<String>> capabilities) {
    this(node, net, cfg, ownUrls, location, capabilities, new NodeRecordBook(node.networkId(), cfg.capacity()));
  }

  /**
   * @param book where verified records are kept; pass the dialling layer's book so records found
   *     by discovery are also dialled, and records it gossips are also served
   */
  public DiscoveryService(Node node, NetworkRuntime net, DiscoveryConfig cfg, List<String> ownUrls, Optional<Location> location,
      Supplier<List<String>> capabilities, NodeRecordBook book) {
    if (!book.networkId().equals(node.networkId())) throw new IllegalArgumentException("the record book is for another network");
    this.node = node;
    this.net = net;
    this.cfg = cfg;
    this.book = book;
    this.ownUrls = List.copyOf(ownUrls);
    this.learned = new BootnodeUrls(node.stateDir());
    this.location = location;
    this.capabilities = capabilities;
  }

  /** Timings for a deployment: quick rounds when the node listens on loopback. */
  public static DiscoveryConfig configFor(NetworkRuntime net) {
    return net.advertisedAddress().startsWith("127.") ? DiscoveryConfig.local() : DiscoveryConfig.wan();
  }

  /** Signs the first record and starts gossip, snapshots and the refresh rounds. */
  public DiscoveryService start(String publicUrl) {
    this.publicUrl = publicUrl == null || publicUrl.isEmpty() ? null : publicUrl;
    gossip = new DiscoveryGossip(this, node, net);
    refresher = new UrlRefresher(this, cfg);
    republish();
    timer.scheduleWithFixedDelay(this::republish, cfg.republishMs(), cfg.republishMs(), TimeUnit.MILLISECONDS);
    timer.scheduleWithFixedDelay(() -> Thread.ofVirtual().name("ws-discovery-refresh").start(this::refresh), cfg.refreshMs() / 3,
        cfg.refreshMs(), TimeUnit.MILLISECONDS);
    return node.manage(this);
  }

  /** Signs a fresh record of this node, keeps it and gossips it. */
  void republish() {
    try {
      List<String> addrs = List.of(net.advertisedAddress());
      List<String> caps = capabilities.get().stream().distinct().sorted().limit(NodeRecord.MAX_CAPABILITIES).toList();
      long now = node.clock().millis();
      NodeRecord r = NodeRecord.sign(node.key(), node.networkId(), addrs, publicUrl, caps, location, now, cfg.recordTtlMs());
      book.offer(r, now);
      own = r;
      gossip.publish(r);
    } catch (RuntimeException e) {
      log.warn("could not renew this node's discovery record: {}", e.getMessage());
    }
  }

  private void refresh() {
    try {
      book.sweep(node.clock().millis());
      gossip.pullFromRandomNeighbour();
      refresher.round();
    } catch (RuntimeException e) {
      log.warn("discovery refresh round failed: {}", e.getMessage());
    }
  }

  /**
   * A record from outside (POST, a discovery URL, a neighbour): checked, stored when newer, and
   * passed on by gossip when it came by POST so the whole network learns it.
   *
   * @throws Refusal saying why nothing was stored
   */
  public NodeRecordBook.Outcome submit(byte[] json, boolean forward) {
    try {
      NodeRecord r = RecordIntake.parse(json);
      NodeRecordBook.Outcome o = RecordIntake.admit(book, r, node.clock().millis());
      if (o == NodeRecordBook.Outcome.STORED && forward) gossip.publish(r);
      count("accepted." + (forward ? "post" : "pull"));
      return o;
    } catch (Refusal r) {
      count("refused." + r.code());
      throw r;
    }
  }

  /** Stores a record that gossip has already judged valid. */
  void admitChecked(NodeRecord r) {
    try {
      RecordIntake.admit(book, r, node.clock().millis());
      count("accepted.gossip");
    } catch (Refusal refused) {
      count("refused." + refused.code());
    }
  }

  void count(String key) {
    counters.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  public Optional<NodeRecord> node(NodeId id) {
    return book.get(id, node.clock().millis());
  }

  /** Live records within {@code radiusKm} of {@code at}, nearest first. */
  public List<NodeRecord> nearby(Location at, double radiusKm) {
    return book.all(node.clock().millis()).stream().filter(r -> r.location().isPresent())
        .filter(r -> GreatCircle.km(at, r.location().get()) <= radiusKm)
        .sorted(Comparator.comparingDouble(r -> GreatCircle.km(at, r.location().get()))).limit(cfg.maxResults()).toList();
  }

  /** Live records that advertise {@code capability}, most recently issued first. */
  public List<NodeRecord> capability(String capability) {
    return book.all(node.clock().millis()).stream().filter(r -> r.capabilities().contains(capability))
        .sorted(Comparator.comparingLong(NodeRecord::issuedAtMs).reversed()).limit(cfg.maxResults()).toList();
  }

  /** Live records, most recently issued first. */
  public List<NodeRecord> all(int limit) {
    return book.all(node.clock().millis()).stream().sorted(Comparator.comparingLong(NodeRecord::issuedAtMs).reversed())
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
    return own;
  }

  public NodeRecordBook book() {
    return book;
  }

  public DiscoveryConfig config() {
    return cfg;
  }

  Node host() {
    return node;
  }

  /** Accepted and refused records by way and reason, sorted by key. */
  public Map<String, Long> counters() {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    if (gossip != null) gossip.close();
  }
}
