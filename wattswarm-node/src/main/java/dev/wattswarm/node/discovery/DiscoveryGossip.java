package dev.wattswarm.node.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.network.NodeRecord;
import dev.wattswarm.node.p2p.NetworkRuntime;
import dev.wattswarm.p2p.Substrate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovery between nodes, beside the record layer's gossip ({@code {network}.global.records},
 * see {@link dev.wattswarm.node.p2p.NodeRecords}): a snapshot service ({@value #SERVICE} on the
 * request router). A node asks a new neighbour, and one neighbour each refresh round, for the
 * discovery URLs it knows and the records it holds, so a newcomer learns where to poll and need
 * not wait for every node's next renewal. Every record in a snapshot goes through the one intake,
 * charged to the neighbour that sent it; a neighbour that sends invalid ones takes a strike.
 */
final class DiscoveryGossip implements Substrate.MembershipListener {
  private static final Logger log = LoggerFactory.getLogger(DiscoveryGossip.class);
  /** Request router service byte (20 is the dialling layer's record exchange). */
  static final int SERVICE = 21;
  static final long SNAPSHOT_TIMEOUT_MS = 10_000;

  private final DiscoveryService service;
  private final Node node;
  private final Substrate substrate;
  private final SnapshotQuota served;
  private volatile boolean closed;

  DiscoveryGossip(DiscoveryService service, Node node, NetworkRuntime net) {
    this.service = service;
    this.node = node;
    this.substrate = net.substrate();
    this.served = new SnapshotQuota(service.config().refreshMs() / 3, node.clock());
    // built off the p2p thread: sorting and encoding a full book is not protocol work
    net.router().register(SERVICE, (peer, req) -> served.allow(peer)
        ? CompletableFuture.supplyAsync(this::snapshot, r -> Thread.ofVirtual().name("ws-discovery-snapshot").start(r))
        : CompletableFuture.completedFuture(null));
    substrate.addMembershipListener(this);
  }

  /** The records this node holds (up to the snapshot bound) and the discovery URLs it knows. */
  private byte[] snapshot() {
    ObjectNode o = CanonicalJson.object();
    ArrayNode a = o.putArray("records");
    for (NodeRecord r : service.all(service.config().snapshotRecords())) a.add(r.toJson());
    ArrayNode u = o.putArray("discovery_urls");
    service.discoveryUrls().forEach(u::add);
    return CanonicalJson.encode(o);
  }

  void pullFromRandomNeighbour() {
    List<NodeId> peers = new ArrayList<>(substrate.neighbours().keySet());
    if (!peers.isEmpty()) pull(peers.get(ThreadLocalRandom.current().nextInt(peers.size())));
  }

  /** Asks {@code peer} for its snapshot; the answer is checked off the p2p thread. */
  void pull(NodeId peer) {
    if (closed) return;
    substrate.request(peer, new byte[] {(byte) SERVICE}, SNAPSHOT_TIMEOUT_MS)
        .thenAcceptAsync(bytes -> take(peer, bytes), r -> Thread.ofVirtual().name("ws-discovery-pull").start(r))
        .exceptionally(e -> {
          log.debug("discovery snapshot from {} failed: {}", peer, e.getMessage());
          return null;
        });
  }

  private void take(NodeId peer, byte[] bytes) {
    if (bytes == null || closed) return;
    JsonNode o;
    try {
      o = CanonicalJson.parse(bytes);
    } catch (IllegalArgumentException e) {
      substrate.penalize(peer, "discovery: unreadable snapshot");
      return;
    }
    int bad = 0;
    int n = 0;
    for (JsonNode rec : o.path("records")) {
      if (n++ >= service.config().snapshotRecords()) break;
      try {
        service.submit(CanonicalJson.encode(rec), false, "peer:" + peer, false);
      } catch (Refusal r) {
        if (!java.util.Set.of("stale", "expired", "not_yet_valid", "store_full", "source_quota").contains(r.code())) bad++;
      }
    }
    if (bad > 0) substrate.penalize(peer, "discovery: snapshot with " + bad + " invalid records");
    List<String> urls = new ArrayList<>();
    for (JsonNode u : o.path("discovery_urls")) if (u.isTextual()) urls.add(u.asText());
    if (service.learned().learn(urls, node.clock().millis())) log.info("learned discovery URLs from {}: {}", peer, urls);
  }

  @Override
  public void peerUp(NodeId peer) {
    if (closed) return;
    pull(peer);
  }

  @Override
  public void peerDown(NodeId peer) {}

  void close() {
    closed = true;
  }
}
