package dev.wattswarm.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.Version;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventSigner;
import dev.wattswarm.kernel.event.EventTypes;
import dev.wattswarm.kernel.event.EventVerifier;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.EventStore;
import dev.wattswarm.kernel.store.Projector;
import dev.wattswarm.node.config.Mode;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.log.NodeLog;
import dev.wattswarm.node.state.IdentityFile;
import dev.wattswarm.node.state.NodeLock;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.store.EventStores;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * One running node: its identity, log and services, assembled in dependency order and closed in
 * reverse. Surfaces (control plane, CLI) sit on top and reach everything through this object.
 */
public final class Node implements AutoCloseable {
  private final NodeConfig config;
  private final StateDir stateDir;
  private final NodeLock lock;
  private final KeyPair key;
  private final String networkId;
  private final EventStore store;
  private final NodeLog log;
  private final Clock clock;
  private final long startedAtMs;
  private final List<AutoCloseable> services = new ArrayList<>();

  private Node(NodeConfig config, StateDir stateDir, NodeLock lock, KeyPair key, String networkId,
      EventStore store, NodeLog log, Clock clock) {
    this.config = config;
    this.stateDir = stateDir;
    this.lock = lock;
    this.key = key;
    this.networkId = networkId;
    this.store = store;
    this.log = log;
    this.clock = clock;
    this.startedAtMs = clock.millis();
  }

  /**
   * Opens the state dir (lock, identity, store) and starts the node's log.
   *
   * @param projectors projections maintained in the store (tasks, ...), in addition to none built in
   * @throws dev.wattswarm.node.state.StateDirException or StoreException with a message for the user
   */
  public static Node open(NodeConfig config, StateDir dir, Clock clock, SecureRandom random, List<Projector> projectors) {
    return open(config, dir, clock, random, projectors, key -> networkIdFor(config.mode(), key.id()));
  }

  /**
   * @param networkId decides the network id once the identity is loaded: local nodes are their own
   *     network; networked nodes take it from the genesis bundle (creating or fetching it)
   */
  public static Node open(NodeConfig config, StateDir dir, Clock clock, SecureRandom random, List<Projector> projectors,
      java.util.function.Function<KeyPair, String> networkId) {
    dir.ensureWritable();
    NodeLock lock = dir.lock();
    EventStore store = null;
    try {
      KeyPair key = IdentityFile.loadOrCreate(dir.file(StateDir.KEY), random);
      dir.controlToken(random);
      String net = networkId.apply(key);
      store = EventStores.open(config.store(), projectors);
      dev.wattswarm.node.state.StorageRecord.write(dir, config.store());
      // a member enforces its network's signed payload cap, not only its own configuration's
      var limits = dev.wattswarm.node.network.NetworkRules.stored(dir, net, config.limits()).limits(config.limits());
      EventVerifier verifier = new EventVerifier(net, limits, EventTypes.kernel(), 65_536);
      NodeLog log = new NodeLog(store, new EventSigner(key, net, clock), verifier);
      log.clockSkew(clock, NodeLog.DEFAULT_MAX_SKEW_MS);
      Node n = new Node(config, dir, lock, key, net, store, log, clock);
      n.evidence = n.manage(new dev.wattswarm.node.log.EquivocationWatch(log));
      return n;
    } catch (RuntimeException e) {
      if (store != null) store.close();
      lock.close();
      throw e;
    }
  }

  private static String networkIdFor(Mode mode, NodeId id) {
    // Shared networks get their id from the genesis bundle (P2P layer); until then a node is its own network.
    return "local:" + id;
  }

  /** Records that the node started; the first event of every run. */
  public void announceStart(String controlUrl) {
    ObjectNode p = CanonicalJson.object();
    p.put("version", Version.get()).put("mode", config.mode().wire()).put("control_url", controlUrl)
        .put("storage", store.backend()).put("pid", ProcessHandle.current().pid());
    log.publish(Scope.parse("node:" + key.id()), EventKind.EVENTS, EventTypes.NODE_STARTED, "", p);
  }

  private dev.wattswarm.node.log.EquivocationWatch evidence;

  /** Publishes proof of the forks this node's store refuses. */
  public dev.wattswarm.node.log.EquivocationWatch evidence() {
    return evidence;
  }

  /** Registers a service to be closed, in reverse order, before the log and store. */
  public <T extends AutoCloseable> T manage(T service) {
    services.add(service);
    return service;
  }

  public NodeConfig config() {
    return config;
  }

  public StateDir stateDir() {
    return stateDir;
  }

  public NodeId nodeId() {
    return key.id();
  }

  public KeyPair key() {
    return key;
  }

  public String networkId() {
    return networkId;
  }

  public EventStore store() {
    return store;
  }

  public NodeLog log() {
    return log;
  }

  public Clock clock() {
    return clock;
  }

  public long startedAtMs() {
    return startedAtMs;
  }

  public String version() {
    return Version.get();
  }

  @Override
  public void close() {
    for (int i = services.size() - 1; i >= 0; i--) {
      try {
        services.get(i).close();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(Node.class).warn("closing {} failed", services.get(i), e);
      }
    }
    log.close();
    store.close();
    lock.close();
  }
}
