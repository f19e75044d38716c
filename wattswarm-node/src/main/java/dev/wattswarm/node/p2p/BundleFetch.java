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

  /** @throws IllegalStateException saying what failed and what to do; nothing is stored */
  public static NetworkBundle fetch(KeyPair key, Contact contact, TcpConfig cfg, long timeoutMs) {
    String expectedNetwork = NetworkBundle.networkIdOf(contact.nodeId());
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
        if (c instanceof TransportException te && te.kind() == TransportException.Kind.WRONG_NETWORK) {
          throw new IllegalStateException("contact " + contact + " is not the genesis node of its network (" + te.getMessage()
              + "); for a first join use the contact exported by the genesis node");
        }
        throw new IllegalStateException("cannot reach bootstrap contact " + contact + ": " + (c == null ? e : c).getMessage());
      } catch (TimeoutException e) {
        throw new IllegalStateException("bootstrap contact " + contact + " did not answer within " + timeoutMs + " ms");
      }
      link.send(new WireWriter(FrameType.BUNDLE_REQUEST).done());
      byte[] json = answer.get(timeoutMs, TimeUnit.MILLISECONDS);
      NetworkBundle b = NetworkBundle.fromJson(CanonicalJson.parse(json));
      b.verify(contact.nodeId());
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
