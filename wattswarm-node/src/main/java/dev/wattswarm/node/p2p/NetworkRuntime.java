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
  private final Overlay overlay;
  private final EventSync sync;
  private final String advertised;
  private final Set<Scope> scopes;

  private final RequestRouter router;

  public RequestRouter router() {
    return router;
  }

  private final NodeRecords records;

  /** The signed node records of this network: this node's own, and every member's it has verified. */
  public NodeRecords records() {
    return records;
  }

  private NetworkRuntime(ThreadScheduler scheduler, Overlay overlay, EventSync sync, RequestRouter router, NodeRecords records,
      String advertised, Set<Scope> scopes) {
    this.records = records;
    this.scheduler = scheduler;
    this.overlay = overlay;
    this.sync = sync;
    this.router = router;
    this.advertised = advertised;
    this.scopes = scopes;
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
    InetSocketAddress listen = listenAddress(cfg);
    boolean lo = loopback(listen.getHostString());
    TcpTransport transport = TcpTransport.start(node.key(), node.networkId(), listen, tcpConfig(cfg));
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
        lo ? 10 * 60_000 : 3_600_000, 10_000);
    EventSync sync = new EventSync(node.log(), overlay, router, scopes, sc, rules);
    for (Contact c : contacts) overlay.join(c.address(), c.nodeId());
    // peers known from the last run: a restarted node (even on a new port) finds the swarm again
    for (Contact c : KnownPeers.read(node.stateDir())) {
      if (contacts.stream().noneMatch(x -> x.nodeId().equals(c.nodeId()))) overlay.join(c.address(), c.nodeId());
    }
    String advertised = addrs.get(0);
    NetworkRuntime rt = new NetworkRuntime(scheduler, overlay, sync, router, records, advertised, Set.copyOf(scopes));
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

  public Set<Scope> scopes() {
    return scopes;
  }

  public Substrate substrate() {
    return overlay;
  }

  public EventSync sync() {
    return sync;
  }

  @Override
  public void close() {
    records.close();
    sync.close();
    overlay.close();
    scheduler.close();
  }
}
