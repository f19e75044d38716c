package dev.wattswarm.node.p2p;

import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.network.Contact;
import dev.wattswarm.node.network.NetworkBundle;
import dev.wattswarm.p2p.tcp.TcpConfig;
import dev.wattswarm.p2p.tcp.TcpTransport;
import dev.wattswarm.p2p.transport.Link;
import dev.wattswarm.p2p.transport.Transport;
import dev.wattswarm.p2p.transport.TransportException;
import dev.wattswarm.p2p.wire.FrameType;
import dev.wattswarm.p2p.wire.WireReader;
import dev.wattswarm.p2p.wire.WireWriter;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The first step of joining: dial a bootstrap contact over an authenticated link, ask for the
 * signed NetworkBootstrapBundle, and verify it (network id, genesis node, parameters hash,
 * signature) before anything is stored.
 */
public final class BundleFetch {
  private BundleFetch() {}

  /**
   * Fetches from any member: the contact is first taken for the genesis (network id derived from
   * it); a member that is not answers the hello with its own network id, and the fetch is made
   * again on that network. Either way the bundle must verify against the genesis key its network
   * id names, so a member can pass the bundle on but not alter it.
   *
   * @throws IllegalStateException saying what failed and what to do; nothing is stored
   */
  public static NetworkBundle fetch(KeyPair key, Contact contact, TcpConfig cfg, long timeoutMs) {
    try {
      return fetch(key, contact, cfg, timeoutMs, NetworkBundle.networkIdOf(contact.nodeId()));
    } catch (WrongNetwork w) {
      String theirs = w.networkId;
      if (theirs == null || !theirs.startsWith("net:")) {
        throw new IllegalStateException("contact " + contact + " is on network '" + theirs + "', which is not a joinable"
            + " network (expected net:<genesis node id>); ask a member for its `node export-contact`");
      }
      try {
        dev.wattswarm.kernel.identity.NodeId.parse(theirs.substring(4));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("contact " + contact + " names network '" + theirs + "', which has no valid genesis id");
      }
      try {
        return fetch(key, contact, cfg, timeoutMs, theirs);
      } catch (WrongNetwork again) {
        throw new IllegalStateException("contact " + contact + " changed its network during the join; try again");
      }
    }
  }

  private static final class WrongNetwork extends RuntimeException {
    final String networkId;

    WrongNetwork(String networkId) {
      super(null, null, false, false);
      this.networkId = networkId;
    }
  }

  private static NetworkBundle fetch(KeyPair key, Contact contact, TcpConfig cfg, long timeoutMs, String expectedNetwork) {
    CompletableFuture<byte[]> answer = new CompletableFuture<>();
    // a throwaway listener for the fetch: on loopback when the contact is, else on every interface
    String bindHost = contact.address().startsWith("127.") ? "127.0.0.1" : "0.0.0.0";
    try (TcpTransport t = TcpTransport.start(key, expectedNetwork, new InetSocketAddress(bindHost, 0), cfg)) {
      t.setListener(new Transport.Listener() {
        @Override
        public void linkUp(Link link) {}

        @Override
        public void frame(Link link, byte[] frame) {
          WireReader r = new WireReader(frame);
          if (r.u8() == FrameType.BUNDLE) answer.complete(r.bytes(1 << 20));
        }

        @Override
        public void linkDown(Link link, String reason) {
          answer.completeExceptionally(new IllegalStateException("the contact closed the link: " + reason));
        }
      });
      Link link;
      try {
        link = t.connect(contact.address(), contact.nodeId()).get(timeoutMs, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        for (Throwable x = c; x != null; x = x.getCause()) {
          if (x instanceof TransportException te && te.kind() == TransportException.Kind.WRONG_NETWORK) {
            throw new WrongNetwork(te.peerNetworkId());
          }
        }
        throw new IllegalStateException("cannot reach bootstrap contact " + contact + ": " + (c == null ? e : c).getMessage());
      } catch (TimeoutException e) {
        throw new IllegalStateException("bootstrap contact " + contact + " did not answer within " + timeoutMs + " ms");
      }
      link.send(new WireWriter(FrameType.BUNDLE_REQUEST).done());
      byte[] json = answer.get(timeoutMs, TimeUnit.MILLISECONDS);
      NetworkBundle b = NetworkBundle.fromJson(CanonicalJson.parse(json));
      // the genesis its network id names must have signed it, whoever passed it on
      b.verify(dev.wattswarm.kernel.identity.NodeId.parse(expectedNetwork.substring("net:".length())));
      if (!b.networkId().equals(expectedNetwork)) throw new IllegalArgumentException("bundle is for network " + b.networkId());
      link.close("bundle received");
      return b;
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("the bootstrap bundle from " + contact + " is not valid: " + e.getMessage()
          + "; nothing was changed");
    } catch (TimeoutException e) {
      throw new IllegalStateException("bootstrap contact " + contact + " sent no bundle within " + timeoutMs + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while joining");
    } catch (ExecutionException e) {
      throw new IllegalStateException("joining through " + contact + " failed: " + e.getCause().getMessage());
    }
  }
}
