package dev.wattswarm.server;

import dev.wattswarm.node.network.NetworkBundle;
import dev.wattswarm.server.publicapi.JoinManifest;
import dev.wattswarm.server.publicapi.PublicConfig;
import dev.wattswarm.server.publicapi.PublicListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a networked node serves on its public listener. Each component adds one mount here; the
 * routes themselves live with the component.
 */
final class PublicMounts {
  private PublicMounts() {}

  static PublicListener start(NodeHost host, PublicConfig cfg, NetworkBundle bundle) throws IOException {
    List<PublicListener.Mount> mounts = new ArrayList<>();
    mounts.add(new JoinManifest(host.node(), host.network(), bundle, cfg.discoveryUrls()::stream)::register);
    return PublicListener.start(cfg, host.node().clock(), mounts);
  }
}
