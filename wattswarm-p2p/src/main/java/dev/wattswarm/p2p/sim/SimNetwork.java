package dev.wattswarm.p2p.sim;

import dev.wattswarm.kernel.identity.KeyPair;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * An in-memory network of {@link SimTransport}s in virtual time: per-message latency with jitter,
 * random loss, crashed nodes and partitions, all from one seed. Links between nodes that can no
 * longer reach each other go down after {@link #detectionMs}, as heartbeats would notice.
 */
public final class SimNetwork {
  private final SimScheduler scheduler = new SimScheduler();
  private final Random random;
  private final long seed;
  private final Map<String, SimTransport> byAddress = new HashMap<>();
  private final Set<String> crashed = new HashSet<>();
  /** Addresses nobody can dial (behind a NAT or firewall); they can still dial out. */
  private final Set<String> firewalled = new HashSet<>();
  /** Partition group per address; addresses in different groups cannot talk. Empty = one network. */
  private final Map<String, Integer> group = new HashMap<>();
  private int next;
  private DropRule dropRule = (from, to, frame) -> false;
  long latencyMs = 5;
  long jitterMs = 5;
  double loss;
  long detectionMs = 1000;

  public SimNetwork(long seed) {
    this.seed = seed;
    this.random = new Random(seed);
  }

  public long seed() {
    return seed;
  }

  public SimScheduler scheduler() {
    return scheduler;
  }

  public Random random() {
    return random;
  }

  /** One-way latency: {@code base} plus up to {@code jitter}, in virtual milliseconds. */
  public SimNetwork latency(long base, long jitter) {
    this.latencyMs = base;
    this.jitterMs = jitter;
    return this;
  }

  /** Probability that any one frame is lost in flight. */
  public SimNetwork loss(double p) {
    this.loss = p;
    return this;
  }

  /** Frames to lose on purpose, whatever the random loss: for a test about one frame going missing. */
  public interface DropRule {
    boolean drop(String from, String to, byte[] frame);
  }

  /** What a lying node does to the frames it sends: returns the bytes that actually go out. */
  public interface RewriteRule {
    byte[] rewrite(String from, String to, byte[] frame);
  }

  private RewriteRule rewriteRule = (from, to, frame) -> frame;

  public SimNetwork rewriteWhen(RewriteRule rule) {
    this.rewriteRule = rule;
    return this;
  }

  byte[] rewritten(String from, String to, byte[] frame) {
    return rewriteRule.rewrite(from, to, frame);
  }

  public SimNetwork dropWhen(DropRule rule) {
    this.dropRule = rule;
    return this;
  }

  boolean dropped(String from, String to, byte[] frame) {
    return dropRule.drop(from, to, frame);
  }

  /** How long until a link to an unreachable peer is declared down. */
  public SimNetwork detection(long ms) {
    this.detectionMs = ms;
    return this;
  }

  public SimTransport newNode(KeyPair key, String networkId) {
    // a dialable host:port like any other address, so the simulator checks addresses as sockets do
    String address = "sim:" + (++next);
    SimTransport t = new SimTransport(this, key, networkId, address);
    byAddress.put(address, t);
    return t;
  }

  SimTransport at(String address) {
    return byAddress.get(address);
  }

  long delay() {
    return latencyMs + (jitterMs > 0 ? random.nextLong(jitterMs + 1) : 0);
  }

  boolean lost() {
    return loss > 0 && random.nextDouble() < loss;
  }

  boolean reachable(String from, String to) {
    if (crashed.contains(from) || crashed.contains(to)) return false;
    return group.getOrDefault(from, 0).equals(group.getOrDefault(to, 0));
  }

  /** Stops a node without a goodbye: its peers notice after the detection delay. */
  public void crash(SimTransport t) {
    crashed.add(t.localAddress());
    t.crashed();
    scheduleDetection();
  }

  /** Makes {@code t} undialable, as a node behind a NAT is: its own outbound links still work. */
  public void firewall(SimTransport t) {
    firewalled.add(t.localAddress());
  }

  boolean dialable(String address) {
    return !firewalled.contains(address);
  }

  /** Brings a crashed node's transport back (the protocols above must rejoin). */
  public void revive(SimTransport t) {
    crashed.remove(t.localAddress());
    t.revived();
  }

  /** Splits the nodes: {@code groupOf} gives each address its side. */
  public void partition(java.util.function.Function<String, Integer> groupOf) {
    for (String a : byAddress.keySet()) group.put(a, groupOf.apply(a));
    scheduleDetection();
  }

  public void heal() {
    group.clear();
  }

  private void scheduleDetection() {
    scheduler.schedule(detectionMs, () -> {
      for (SimTransport t : byAddress.values()) t.dropUnreachableLinks();
    });
  }
}
