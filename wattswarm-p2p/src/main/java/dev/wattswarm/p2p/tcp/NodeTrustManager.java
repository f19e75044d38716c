package dev.wattswarm.p2p.tcp;

import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.transport.TransportException;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one self-signed Ed25519 node certificate: no CA, no host names. The peer's id
 * is the certificate's key; TLS' CertificateVerify then proves the peer holds the matching secret.
 * Refuses a peer with our own id, and, when dialing a known node, any other id than the expected
 * one (the failure carries a {@link TransportException} of kind WRONG_PEER as its cause).
 */
final class NodeTrustManager extends X509ExtendedTrustManager {
  private final NodeId localId;
  private final NodeId expectedServer;

  /**
   * @param localId this node (peers proving it are refused), or null to skip that check
   * @param expectedServer the node we dial, or null to accept any proven id
   */
  NodeTrustManager(NodeId localId, NodeId expectedServer) {
    this.localId = localId;
    this.expectedServer = expectedServer;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain, false);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    check(chain, false);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    check(chain, false);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain, true);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    check(chain, true);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    check(chain, true);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }

  private void check(X509Certificate[] chain, boolean peerIsServer) throws CertificateException {
    NodeId peer = NodeCertificates.nodeIdOf(chain);
    if (localId != null && peer.equals(localId)) {
      throw wrongPeer("the peer is this node itself (" + peer + "); refusing a connection to ourselves");
    }
    if (peerIsServer && expectedServer != null && !peer.equals(expectedServer)) {
      throw wrongPeer("expected node " + expectedServer + " but the peer proved " + peer);
    }
  }

  private static CertificateException wrongPeer(String message) {
    return new CertificateException(message, new TransportException(TransportException.Kind.WRONG_PEER, message));
  }
}
