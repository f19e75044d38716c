package dev.wattswarm.node.p2p;

import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.config.Mode;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.network.Contact;
import dev.wattswarm.node.network.NetworkBundle;
import dev.wattswarm.node.network.NetworkRules;
import dev.wattswarm.p2p.Overlay;
import dev.wattswarm.p2p.Substrate;
import dev.wattswarm.p2p.gossip.BroadcastConfig;
import dev.wattswarm.p2p.membership.MembershipConfig;
import dev.wattswarm.p2p.tcp.TcpConfig;
import dev.wattswarm.p2p.tcp.TcpTransport;
import dev.wattswarm.p2p.transport.ThreadScheduler;
import dev.wattswarm.p2p.wire.PeerInfo;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A node's place in a swarm: the TLS transport, membership and broadcast on the "ws-p2p" thread,
 * and the event sync between the log and the overlay. Started after the node's log, closed before.
 */
public final class NetworkRuntime implements AutoCloseable {
  private final ThreadScheduler scheduler;
  private final Substrate overlay;
  /** The NATS connection under a nats substrate, closed last; null on p2p. */
  private dev.wattswarm.nats.NatsLink natsLink;
  private dev.wattswarm.node.swarm.SwarmConfig swarm = dev.wattswarm.node.swarm.SwarmConfig.defaults();
  private final EventSync sync;
  private final String advertised;
  private final dev.wattswarm.node.state.StateDir stateDir;
  /** Groups joined by the operator (env, groups.txt, `group join`); DM threads are not listed here. */
  private final Set<Scope> groups = java.util.Collections.synchronizedSet(new LinkedHashSet<>());

  private final RequestRouter router;

  public RequestRouter router() {
    return router;
  }

  private final NodeRecords records;

  /** The signed node records of this network: this node's own, and every member's it has verified (over NATS too). */
  public NodeRecords records() {
    return records;
  }

  NetworkRuntime(ThreadScheduler scheduler, Substrate overlay, EventSync sync, RequestRouter router, NodeRecords records,
      String advertised, dev.wattswarm.node.state.StateDir stateDir) {
    this.records = records;
    this.scheduler = scheduler;
    this.overlay = overlay;
    this.sync = sync;
    this.router = router;
    this.advertised = advertised;
    this.stateDir = stateDir;
  }

  /** Loopback deployments get the local presets (fast failure detection); others the mode's. */
  static boolean loopback(String host) {
    return host.startsWith("127.") || host.equals("localhost");
  }

  public static InetSocketAddress listenAddress(NodeConfig cfg) {
    return parseListen(cfg.p2pListenAddrs().isEmpty() ? "0.0.0.0:" + cfg.p2pPort() : cfg.p2pListenAddrs().get(0));
  }

  /** Every address of {@code WATTSWARM_P2P_LISTEN_ADDRS} after the first: the transport listens on each as well. */
  public static List<InetSocketAddress> extraListenAddresses(NodeConfig cfg) {
    List<InetSocketAddress> out = new java.util.ArrayList<>();
    for (int i = 1; i < cfg.p2pListenAddrs().size(); i++) out.add(parseListen(cfg.p2pListenAddrs().get(i)));
    return out;
  }

  private static InetSocketAddress parseListen(String spec) {
    int colon = spec.lastIndexOf(':');
    if (colon <= 0) throw new IllegalArgumentException("WATTSWARM_P2P_LISTEN_ADDRS entry '" + spec + "' must be host:port");
    int port;
    try {
      port = Integer.parseInt(spec.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("WATTSWARM_P2P_LISTEN_ADDRS entry '" + spec + "' has a bad port");
    }
    return new InetSocketAddress(spec.substring(0, colon), port);
  }

  public static TcpConfig tcpConfig(NodeConfig cfg) {
    String host = listenAddress(cfg).getHostString();
    if (loopback(host)) return TcpConfig.local();
    return cfg.mode() == Mode.LAN ? TcpConfig.lan() : TcpConfig.wan();
  }

  public static NetworkRuntime start(Node node, NodeConfig cfg, NetworkBundle bundle, List<Contact> contacts) {
    return start(node, cfg, bundle, contacts, dev.wattswarm.node.swarm.SwarmConfig.defaults());
  }

  /** Over NATS when {@code swarm} says so (the link comes from founding or joining there), else the TLS overlay. */
  public static NetworkRuntime start(Node node, NodeConfig cfg, NetworkBundle bundle, List<Contact> contacts,
      dev.wattswarm.node.swarm.SwarmConfig swarm, dev.wattswarm.nats.NatsLink link) {
    NetworkRuntime rt = link == null ? start(node, cfg, bundle, contacts, swarm) : NatsRuntime.start(node, cfg, bundle, link);
    rt.swarm = swarm;
    return rt;
  }

  private static NetworkRuntime start(Node node, NodeConfig cfg, NetworkBundle bundle, List<Contact> contacts,
      dev.wattswarm.node.swarm.SwarmConfig swarm) {
    // checked before anything is started, so a bad value fails the start cleanly
    Set<Scope> startGroups = new LinkedHashSet<>(GroupScopes.fromEnv(System.getenv()));
    InetSocketAddress listen = listenAddress(cfg);
    boolean lo = loopback(listen.getHostString());
    TcpTransport transport;
    try {
      transport = TcpTransport.start(node.key(), node.networkId(), listen, tcpConfig(cfg));
    } catch (java.io.UncheckedIOException e) {
      if (!(e.getCause() instanceof java.net.BindException)) throw e;
      // two nodes on one host is the usual cause: say which knob moves this one
      throw new IllegalStateException("P2P port " + listen.getHostString() + ":" + listen.getPort()
          + " is already in use by another process (another node on this host?). Pick another with --p2p-port or"
          + " WATTSWARM_P2P_PORT, or WATTSWARM_P2P_LISTEN_ADDRS=host:port (0 picks a free port).", e);
    }
    ThreadScheduler scheduler = new ThreadScheduler("ws-p2p", node.clock());
    MembershipConfig m = lo ? MembershipConfig.local() : cfg.mode() == Mode.LAN ? MembershipConfig.lan() : MembershipConfig.wan();
    // every member enforces the network's signed parameters, whatever its own configuration says
    NetworkRules rules = NetworkRules.of(bundle);
    // deadlines are judged by event time: every member bounds how far ahead an event may be stamped
    long skew = bundle.params().path("max_clock_skew_ms").asLong(dev.wattswarm.node.log.NodeLog.DEFAULT_MAX_SKEW_MS);
    node.log().clockSkew(node.clock(), Math.max(1_000, skew));
    BroadcastConfig b = (lo ? BroadcastConfig.local() : cfg.mode() == Mode.LAN ? BroadcastConfig.lan() : BroadcastConfig.wan())
        .withMaxPayloadBytes(rules.maxGossipBytes());
    SyncConfig sc = lo ? SyncConfig.local() : cfg.mode() == Mode.LAN ? SyncConfig.lan() : SyncConfig.wan();
    Overlay overlay = new Overlay(transport, scheduler, m, b, new Random(new SecureRandom().nextLong()));
    byte[] bundleJson = CanonicalJson.encode(bundle.toJson());
    overlay.bundleProvider(() -> bundleJson);
    Set<Scope> scopes = new LinkedHashSet<>();
    scopes.add(Scope.GLOBAL);
    for (String r : cfg.regionIds()) scopes.add(Scope.of("region", r));
    for (String n : cfg.nodeScopeIds()) scopes.add(Scope.of("node", n));
    RequestRouter router = new RequestRouter(overlay);
    List<String> addrs = new java.util.ArrayList<>();
    addrs.add(dialable(transport.localAddress()));
    for (InetSocketAddress extra : extraListenAddresses(cfg)) {
      String a = dialable(transport.listenAlso(extra));
      if (!addrs.contains(a)) addrs.add(a);
    }
    // records live an hour (ten minutes on loopback, where test swarms come and go) and are re-signed at a third
    NodeRecords records = new NodeRecords(node.key(), node.networkId(), node.clock(), overlay, router, addrs,
        lo ? 10 * 60_000 : 3_600_000, dev.wattswarm.node.network.RecordLimits.defaults());
    EventSync sync = new EventSync(node.log(), overlay, router, scopes, sc, rules);
    for (Contact c : contacts) overlay.join(c.address(), c.nodeId());
    // peers known from the last run: a restarted node (even on a new port) finds the swarm again
    for (Contact c : KnownPeers.read(node.stateDir())) {
      if (contacts.stream().noneMatch(x -> x.nodeId().equals(c.nodeId()))) overlay.join(c.address(), c.nodeId());
    }
    String advertised = addrs.get(0);
    NetworkRuntime rt = new NetworkRuntime(scheduler, overlay, sync, router, records, advertised, node.stateDir());
    startGroups.addAll(GroupScopes.read(node.stateDir()));
    for (Scope g : startGroups) {
      if (rt.groups.size() < GroupScopes.MAX_GROUPS) rt.joinScope(g, rt.groups);
    }
    // remember neighbours as they change, so even a kill -9 leaves a recent list behind
    overlay.addMembershipListener(new dev.wattswarm.p2p.Substrate.MembershipListener() {
      @Override
      public void peerUp(dev.wattswarm.kernel.identity.NodeId peer) {
        var now = overlay.neighbours();
        // file I/O stays off the protocol thread
        Thread.ofVirtual().start(() -> KnownPeers.write(node.stateDir(), now));
      }

      @Override
      public void peerDown(dev.wattswarm.kernel.identity.NodeId peer) {}
    });
    return node.manage(rt);
  }

  /** A bound address as peers dial it: a wildcard host becomes this machine's first site-local address. */
  private static String dialable(String bound) {
    if (bound.startsWith("0.0.0.0:")) return firstSiteLocal() + bound.substring(bound.indexOf(':'));
    if (bound.startsWith("[::]:")) return firstSiteLocal() + bound.substring(bound.lastIndexOf(':'));
    return bound;
  }

  private static String firstSiteLocal() {
    try {
      for (var nif : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
        if (!nif.isUp() || nif.isLoopback()) continue;
        for (var a : java.util.Collections.list(nif.getInetAddresses())) {
          if (a instanceof java.net.Inet4Address && a.isSiteLocalAddress()) return a.getHostAddress();
        }
      }
    } catch (java.net.SocketException ignored) {
      // fall through
    }
    return "127.0.0.1";
  }

  /** host:port others dial: the real port, and a concrete host when bound to the wildcard. */
  public String advertisedAddress() {
    return advertised;
  }

  public Map<dev.wattswarm.kernel.identity.NodeId, PeerInfo> peers() {
    return overlay.neighbours();
  }

  /** Every scope subscribed now: global, regions, node scopes, groups and DM threads. */
  public Set<Scope> scopes() {
    return sync.scopes();
  }

  /**
   * Joins a group scope at run time and remembers it in {@code groups.txt}.
   *
   * @return false when already a member
   * @throws IllegalArgumentException for a bad or reserved id, or past {@link GroupScopes#MAX_GROUPS}
   */
  public boolean joinGroup(String id) {
    Scope g = GroupScopes.parse(id);
    synchronized (groups) {
      if (groups.contains(g)) return false;
      if (groups.size() >= GroupScopes.MAX_GROUPS) {
        throw new IllegalArgumentException("this node is in " + groups.size() + " groups, the most it may join;"
            + " leave one first (`group leave ID`)");
      }
      joinScope(g, groups);
      GroupScopes.write(stateDir, groups);
      return true;
    }
  }

  /** A task submitted into {@code group:<its task id>}: joined for the run, not remembered. */
  public void joinTaskGroup(Scope g) {
    sync.join(g, java.util.EnumSet.allOf(dev.wattswarm.kernel.event.EventKind.class));
  }

  /** @return false when not a member */
  public boolean leaveGroup(String id) {
    Scope g = GroupScopes.parse(id);
    synchronized (groups) {
      if (!groups.remove(g)) return false;
      sync.leave(g);
      GroupScopes.write(stateDir, groups);
      return true;
    }
  }

  public List<Scope> groups() {
    synchronized (groups) {
      return List.copyOf(groups);
    }
  }

  private void joinScope(Scope g, Set<Scope> into) {
    into.add(g);
    sync.join(g, java.util.EnumSet.allOf(dev.wattswarm.kernel.event.EventKind.class));
  }

  public Substrate substrate() {
    return overlay;
  }

  public EventSync sync() {
    return sync;
  }

  /** The substrate and swarm-view settings this runtime was started with. */
  public dev.wattswarm.node.swarm.SwarmConfig swarm() {
    return swarm;
  }

  /** The NATS connection, or null on p2p. */
  public dev.wattswarm.nats.NatsLink natsLink() {
    return natsLink;
  }

  void natsLink(dev.wattswarm.nats.NatsLink l) {
    this.natsLink = l;
  }

  @Override
  public void close() {
    if (records != null) records.close();
    sync.close();
    overlay.close();
    scheduler.close();
    if (natsLink != null) natsLink.close();
  }
}
