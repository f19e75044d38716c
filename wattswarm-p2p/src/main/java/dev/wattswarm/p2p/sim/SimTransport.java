package dev.wattswarm.p2p.sim;

import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.transport.Link;
import dev.wattswarm.p2p.transport.Transport;
import dev.wattswarm.p2p.transport.TransportException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A node's transport in a {@link SimNetwork}. Connections and frames take simulated latency,
 * frames may be lost, and everything runs on the network's virtual-time scheduler, so callbacks
 * arrive on the same (test) thread as the protocols they drive.
 */
public final class SimTransport implements Transport {
  private final SimNetwork net;
  private final KeyPair key;
  private final String networkId;
  private final String address;
  private final List<SimLink> links = new ArrayList<>();
  private Listener listener;
  private boolean down;
  private long rejected;

  SimTransport(SimNetwork net, KeyPair key, String networkId, String address) {
    this.net = net;
    this.key = key;
    this.networkId = networkId;
    this.address = address;
  }

  @Override
  public NodeId localId() {
    return key.id();
  }

  @Override
  public byte[] sign(byte[] message) {
    return key.sign(message);
  }

  @Override
  public String networkId() {
    return networkId;
  }

  @Override
  public String localAddress() {
    return address;
  }

  @Override
  public void setListener(Listener listener) {
    this.listener = listener;
  }

  @Override
  public long rejectedPeers() {
    return rejected;
  }

  /** @throws IllegalArgumentException when {@code target} is not host:port, as a socket transport does */
  @Override
  public CompletableFuture<Link> connect(String target, NodeId expectedId) {
    dev.wattswarm.p2p.wire.HostPort.parse(target);
    CompletableFuture<Link> f = new CompletableFuture<>();
    long d = net.delay();
    net.scheduler().schedule(2 * d, () -> {
      SimTransport other = net.at(target);
      if (down) {
        f.completeExceptionally(new TransportException(TransportException.Kind.CLOSED, "transport is down"));
      } else if (other == null || other.down || !net.reachable(address, target) || !net.dialable(target)) {
        f.completeExceptionally(new TransportException(TransportException.Kind.UNREACHABLE, target + " is unreachable"));
      } else if (other == this) {
        f.completeExceptionally(new TransportException(TransportException.Kind.WRONG_PEER, "refusing to connect to ourselves"));
      } else if (expectedId != null && !expectedId.equals(other.localId())) {
        f.completeExceptionally(new TransportException(TransportException.Kind.WRONG_PEER,
            target + " is " + other.localId() + ", not " + expectedId));
      } else if (!networkId.equals(other.networkId)) {
        other.rejected++;
        f.completeExceptionally(new TransportException(TransportException.Kind.WRONG_NETWORK,
            target + " is on network " + other.networkId + ", we are on " + networkId));
      } else {
        SimLink mine = new SimLink(this, other, false);
        SimLink theirs = new SimLink(other, this, true);
        mine.twin = theirs;
        theirs.twin = mine;
        links.add(mine);
        other.links.add(theirs);
        if (other.listener != null) other.listener.linkUp(theirs);
        if (listener != null) listener.linkUp(mine);
        f.complete(mine);
      }
    });
    return f;
  }

  /**
   * Frames this side sends on {@code link} are never lost in flight (partitions and crashes still
   * apply): for a test whose frames must arrive to be judged, on a network that otherwise loses some.
   */
  public void lossless(Link link) {
    ((SimLink) link).lossless = true;
  }

  void crashed() {
    down = true;
    // the crashed side's own protocols are frozen; its links simply stop working, and the peers
    // notice after the detection delay even if the node is back by then (its sockets died with it)
    for (SimLink l : List.copyOf(links)) {
      l.open = false;
      SimLink twin = l.twin;
      net.scheduler().schedule(net.detectionMs, () -> twin.closeLocally("peer crashed (no heartbeat for " + net.detectionMs + " ms)"));
    }
    links.clear();
  }

  void revived() {
    down = false;
  }

  void dropUnreachableLinks() {
    for (SimLink l : List.copyOf(links)) {
      if (!net.reachable(address, l.other.address)) l.closeLocally("peer unreachable (no heartbeat for " + net.detectionMs + " ms)");
    }
  }

  @Override
  public void close() {
    for (SimLink l : List.copyOf(links)) l.close("transport closed");
    down = true;
  }

  /** One side of a simulated connection. */
  final class SimLink implements Link {
    final SimTransport owner;
    final SimTransport other;
    final boolean inbound;
    SimLink twin;
    boolean open = true;
    boolean lossless;
    /** Frames on one link arrive in order, as over TCP: never before the previous one. */
    long lastArrival;

    SimLink(SimTransport owner, SimTransport other, boolean inbound) {
      this.owner = owner;
      this.other = other;
      this.inbound = inbound;
    }

    @Override
    public NodeId peer() {
      return other.localId();
    }

    @Override
    public String peerListenAddress() {
      return other.address;
    }

    @Override
    public boolean inbound() {
      return inbound;
    }

    @Override
    public boolean send(byte[] frame) {
      if (!open) return false;
      if ((!lossless && net.lost()) || net.dropped(owner.address, other.address, frame) || !net.reachable(owner.address, other.address)) return true; // gone in flight
      byte[] out = net.rewritten(owner.address, other.address, frame);
      SimLink target = twin;
      long at = Math.max(net.scheduler().now() + net.delay(), lastArrival);
      lastArrival = at;
      net.scheduler().schedule(at - net.scheduler().now(), () -> {
        if (target.open && other.listener != null) other.listener.frame(target, out);
      });
      return true;
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close(String reason) {
      if (!open) return;
      closeLocally(reason);
      SimLink t = twin;
      net.scheduler().schedule(net.delay(), () -> t.closeLocally("closed by peer: " + reason));
    }

    void closeLocally(String reason) {
      if (!open) return;
      open = false;
      owner.links.remove(this);
      if (owner.listener != null && !owner.down) owner.listener.linkDown(this, reason);
    }
  }
}
