package dev.wattswarm.node.p2p;

import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.nats.NatsLink;
import dev.wattswarm.nats.NatsSubstrate;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.network.NetworkBundle;
import dev.wattswarm.node.network.NetworkRules;
import dev.wattswarm.p2p.transport.ThreadScheduler;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A node's place in a swarm carried by NATS: the same event sync and request router as on the TLS
 * overlay, over {@link NatsSubstrate}. The log's event kinds ride JetStream (a node that was away
 * replays them), everything else plain subjects; lane backfill from members stays, as the check
 * that nothing was lost or withheld.
 */
final class NatsRuntime {
  private NatsRuntime() {}

  static NetworkRuntime start(Node node, NodeConfig cfg, NetworkBundle bundle, NatsLink link) {
    NetworkRules rules = NetworkRules.of(bundle);
    long skew = bundle.params().path("max_clock_skew_ms").asLong(dev.wattswarm.node.log.NodeLog.DEFAULT_MAX_SKEW_MS);
    node.log().clockSkew(node.clock(), Math.max(1_000, skew));
    ThreadScheduler scheduler = new ThreadScheduler("ws-nats", node.clock());
    Set<String> durableKinds = new java.util.HashSet<>();
    for (EventKind k : EventKind.values()) durableKinds.add(k.wire());
    NatsSubstrate substrate;
    try {
      substrate = new NatsSubstrate(link, node.key(), node.networkId(), scheduler,
          t -> durableKinds.contains(t.substring(t.lastIndexOf('.') + 1)));
    } catch (RuntimeException e) {
      scheduler.close();
      link.close();
      throw e;
    }
    Set<Scope> scopes = new LinkedHashSet<>();
    scopes.add(Scope.GLOBAL);
    for (String r : cfg.regionIds()) scopes.add(Scope.of("region", r));
    for (String n : cfg.nodeScopeIds()) scopes.add(Scope.of("node", n));
    RequestRouter router = new RequestRouter(substrate);
    EventSync sync = new EventSync(node.log(), substrate, router, scopes, SyncConfig.lan(), rules);
    // the same record layer as on the overlay; a node on NATS has no address to dial, only what it describes
    NodeRecords records = new NodeRecords(node.key(), node.networkId(), node.clock(), substrate, router, java.util.List.of(),
        3_600_000, dev.wattswarm.node.network.RecordLimits.defaults());
    NetworkRuntime rt = new NetworkRuntime(scheduler, substrate, sync, router, records, "nats:" + link.config().display(),
        node.stateDir());
    rt.natsLink(link);
    return node.manage(rt);
  }
}
