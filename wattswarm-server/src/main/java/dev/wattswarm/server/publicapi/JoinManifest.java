package dev.wattswarm.server.publicapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.network.NetworkBundle;
import dev.wattswarm.node.p2p.NetworkRuntime;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * {@code GET /.well-known/wattswarm/join.json}: what a newcomer needs to join this network:
 * {@code network_id}, {@code genesis_node_id}, {@code contacts} ({@code <node_id>@<host:port>},
 * this node first, then some neighbours) and {@code discovery_urls}. Any member serves it. It
 * also names the serving {@code node_id}, the time, and carries that node's signature over the
 * rest, so a client that knows the node id can tell the manifest was not altered on the way.
 */
public final class JoinManifest {
  /** Neighbours' contacts listed beside this node's own. */
  static final int MAX_CONTACTS = 8;

  private final Node node;
  private final NetworkRuntime network;
  private final NetworkBundle bundle;
  private final Supplier<Stream<String>> discoveryUrls;

  /** @param discoveryUrls the URLs to publish: this node's own, then those it learned */
  public JoinManifest(Node node, NetworkRuntime network, NetworkBundle bundle, Supplier<Stream<String>> discoveryUrls) {
    this.node = node;
    this.network = network;
    this.bundle = bundle;
    this.discoveryUrls = discoveryUrls;
  }

  public void register(RoutesConfig r) {
    r.get("/.well-known/wattswarm/join.json", this::serve);
  }

  private void serve(Context ctx) {
    ctx.contentType("application/json").header("Cache-Control", "no-store").result(CanonicalJson.encode(build()));
  }

  public ObjectNode build() {
    ObjectNode o = CanonicalJson.object();
    o.put("network_id", bundle.networkId()).put("genesis_node_id", bundle.genesis().toString());
    ArrayNode contacts = o.putArray("contacts");
    contacts.add(node.nodeId() + "@" + network.advertisedAddress());
    network.peers().values().stream().limit(MAX_CONTACTS).forEach(p -> contacts.add(p.id() + "@" + p.address()));
    Set<String> urls = new LinkedHashSet<>();
    discoveryUrls.get().forEach(urls::add);
    ArrayNode du = o.putArray("discovery_urls");
    urls.forEach(du::add);
    o.put("node_id", node.nodeId().toString()).put("issued_at_ms", node.clock().millis());
    o.put("signature", Hashes.hex(node.key().sign(CanonicalJson.encode(o))));
    return o;
  }
}
