package dev.wattswarm.p2p.tcp;

import dev.wattswarm.p2p.wire.HostPort;
import dev.wattswarm.kernel.identity.KeyPair;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** Misbehaving peers at the socket level: garbage, bad certificates, bad hellos, silence. */
final class RoguePeers {
  private RoguePeers() {}

  /** A plain TCP connection to {@code address}. */
  static Socket tcp(String address) throws IOException {
    HostPort hp = HostPort.parse(address);
    Socket s = new Socket(hp.host(), hp.port());
    s.setSoTimeout(10_000);
    return s;
  }

  /** A TLS 1.3 client presenting {@code certificate} and signing with {@code key} (which may not match). */
  static SSLSocket tlsClient(String address, X509Certificate certificate, PrivateKey key) throws IOException {
    SSLContext ctx = TlsContexts.create(certificate, key, new NodeTrustManager(null, null));
    return TlsContexts.client(ctx, tcp(address), HostPort.parse(address));
  }

  /** A TLS client with a genuine node certificate for {@code key}. */
  static SSLSocket nodeClient(String address, KeyPair key) throws IOException {
    return tlsClient(address, NodeCertificates.selfSigned(key), NodeCertificates.privateKey(key.secretForStorage()));
  }

  /** Sends a hello frame, as a well-behaved peer does first. */
  static void sendHello(Socket s, String networkId, String listenAddress) throws IOException {
    var out = new DataOutputStream(s.getOutputStream());
    Frames.write(out, Frames.HELLO, new Hello(Hello.VERSION, networkId, listenAddress).encode());
    out.flush();
  }

  /**
   * Tries a handshake (if TLS) and reads until the other side drops the connection.
   *
   * @return true when the connection was closed or failed, false when it stayed open 10 s
   */
  static boolean droppedByServer(Socket s) {
    try (s) {
      if (s instanceof SSLSocket ssl) ssl.startHandshake();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      while (in.read(buf) >= 0) {
        // drain whatever the server sends (its hello, pings) until it hangs up
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  /**
   * A node that completes TLS and the hello as a server, then never sends or reads again: a
   * frozen process, or a network that stopped delivering.
   */
  static final class FrozenServer implements AutoCloseable {
    private final ServerSocket server;
    private final Thread thread;
    private volatile SSLSocket accepted;

    FrozenServer(KeyPair key, String networkId) throws IOException {
      server = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
      SSLContext ctx = TlsContexts.create(NodeCertificates.selfSigned(key),
          NodeCertificates.privateKey(key.secretForStorage()), new NodeTrustManager(key.id(), null));
      thread = Thread.ofVirtual().start(() -> {
        try {
          SSLSocket s = TlsContexts.server(ctx, server.accept());
          accepted = s;
          s.startHandshake();
          sendHello(s, networkId, address());
        } catch (IOException e) {
          // the test fails on its own assertions
        }
      });
    }

    String address() {
      return "127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws Exception {
      server.close();
      SSLSocket s = accepted;
      if (s != null) s.close();
      thread.join();
    }
  }
}
