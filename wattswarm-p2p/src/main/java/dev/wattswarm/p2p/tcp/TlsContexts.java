package dev.wattswarm.p2p.tcp;

import dev.wattswarm.p2p.wire.HostPort;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/** TLS 1.3 only, JDK provider, mutual authentication: contexts and sockets layered on plain TCP. */
final class TlsContexts {
  private static final String[] PROTOCOLS = {"TLSv1.3"};

  private TlsContexts() {}

  /** A context presenting {@code certificate}/{@code key} and judging peers with {@code trust}. */
  static SSLContext create(X509Certificate certificate, PrivateKey key, X509ExtendedTrustManager trust) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLSv1.3", "SunJSSE");
      ctx.init(new KeyManager[] {new NodeKeyManager(certificate, key)}, new TrustManager[] {trust}, new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS 1.3 is not available from the JDK provider: " + e.getMessage(), e);
    }
  }

  /** The client end over a connected socket; closing the TLS socket closes {@code raw}. */
  static SSLSocket client(SSLContext ctx, Socket raw, HostPort remote) throws IOException {
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, remote.host(), remote.port(), true);
    s.setUseClientMode(true);
    s.setEnabledProtocols(PROTOCOLS);
    return s;
  }

  /** The server end over an accepted socket; the client must present a certificate. */
  static SSLSocket server(SSLContext ctx, Socket raw) throws IOException {
    SSLSocket s = (SSLSocket) ctx.getSocketFactory()
        .createSocket(raw, raw.getInetAddress().getHostAddress(), raw.getPort(), true);
    s.setUseClientMode(false);
    s.setEnabledProtocols(PROTOCOLS);
    s.setNeedClientAuth(true);
    return s;
  }
}
