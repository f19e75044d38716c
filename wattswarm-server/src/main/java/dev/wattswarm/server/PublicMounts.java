package dev.wattswarm.server;

import dev.wattswarm.node.discovery.DiscoveryService;
import dev.wattswarm.node.network.NetworkBundle;
import dev.wattswarm.server.discovery.DiscoveryRoutes;
import dev.wattswarm.server.publicapi.JoinManifest;
import dev.wattswarm.server.publicapi.PublicConfig;
import dev.wattswarm.server.publicapi.PublicListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a networked node serves on its public listener, and Discovery v1, which runs (gossip,
 * snapshots, discovery URLs) even when the listener is off. Each component adds one mount here;
 * its routes live with the component.
 */
final class PublicMounts {
  record Started(PublicListener listener, DiscoveryService discovery) {}

  private PublicMounts() {}

  static Started start(NodeHost host, PublicConfig cfg, NetworkBundle bundle) throws IOException {
    var net = host.network();
    DiscoveryService discovery = new DiscoveryService(host.node(), net, DiscoveryService.configFor(net), cfg.discoveryUrls(),
        cfg.location(), () -> host.agents().localAgents().stream().flatMap(a -> a.spec().capabilities().stream()).toList());
    PublicListener listener = null;
    if (cfg.enabled()) {
      List<PublicListener.Mount> mounts = new ArrayList<>();
      mounts.add(new JoinManifest(host.node(), net, bundle, () -> discovery.discoveryUrls().stream())::register);
      mounts.add(new DiscoveryRoutes(discovery)::register);
      var publicUrl = new java.util.concurrent.atomic.AtomicReference<String>("");
      mounts.add(new dev.wattswarm.server.gateway.Gateway(host.node(), host.tasks().service(),
          host.economy() == null ? dev.wattswarm.server.gateway.GatewayEconomy.NONE : new EconomyGateway(host.economy(), host.tasks().tracker(), host.node().log()),
          publicUrl::get,
          () -> host.agents().localAgents().stream().flatMap(a -> a.spec().capabilities().stream()).toList(),
          dev.wattswarm.server.gateway.GatewayLimits.DEFAULT));
      listener = PublicListener.start(cfg, host.node().clock(), mounts);
      publicUrl.set(recordUrl(cfg, listener, net.advertisedAddress()));
    }
    try {
      discovery.start(listener == null ? null : recordUrl(cfg, listener, net.advertisedAddress()));
    } catch (RuntimeException e) {
      if (listener != null) listener.close();
      throw e;
    }
    return new Started(listener, discovery);
  }

  /** The URL others should use: a wildcard bind is published under the host the P2P layer advertises. */
  private static String recordUrl(PublicConfig cfg, PublicListener listener, String p2pAdvertised) {
    if (!cfg.host().equals("0.0.0.0") && !cfg.host().equals("::")) return listener.url();
    String host = p2pAdvertised.substring(0, p2pAdvertised.lastIndexOf(':'));
    return "http://" + host + ":" + listener.port();
  }
}
