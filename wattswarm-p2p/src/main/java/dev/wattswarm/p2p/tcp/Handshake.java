package dev.wattswarm.p2p.tcp;

import dev.wattswarm.p2p.wire.HostPort;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.transport.TransportException;
import dev.wattswarm.p2p.transport.TransportException.Kind;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * Turns a connected TCP socket into an authenticated, same-network channel: TLS 1.3 with both
 * sides' node certificates, then one hello frame each way. The whole exchange is bounded by
 * {@link TcpConfig#handshakeTimeoutMs()}. On any failure the socket is closed and a
 * {@link TransportException} says why.
 */
final class Handshake {
  static final int BUFFER_BYTES = 64 * 1024;

  /** An established channel; {@code in}/{@code out} may already hold buffered frames. */
  record Result(SSLSocket socket, DataInputStream in, DataOutputStream out, NodeId peer, String peerListenAddress) {}

  private final Socket raw;
  private final SSLContext ctx;
  private final HostPort dialed;
  private final String remote;
  private final Hello ours;
  private final TcpConfig config;
  private final NodeId localId;
  private final NodeId expectedId;
  private final ThreadTracker threads;

  private Handshake(Socket raw, SSLContext ctx, HostPort dialed, Hello ours, TcpConfig config, NodeId localId,
      NodeId expectedId, ThreadTracker threads) {
    this.raw = raw;
    this.ctx = ctx;
    this.dialed = dialed;
    this.remote = dialed != null ? dialed.toString()
        : HostPort.of(raw.getInetAddress(), raw.getPort()).toString();
    this.ours = ours;
    this.config = config;
    this.localId = localId;
    this.expectedId = expectedId;
    this.threads = threads;
  }

  /** The dialing side: TLS client; {@code expectedId} (nullable) must be who answers. */
  static Result outbound(Socket raw, SSLContext ctx, HostPort dialed, Hello ours, TcpConfig config, NodeId localId,
      NodeId expectedId, ThreadTracker threads) {
    return new Handshake(raw, ctx, dialed, ours, config, localId, expectedId, threads).run();
  }

  /** The accepting side: TLS server requiring a client certificate. */
  static Result inbound(Socket raw, SSLContext ctx, Hello ours, TcpConfig config, NodeId localId,
      ThreadTracker threads) {
    return new Handshake(raw, ctx, null, ours, config, localId, null, threads).run();
  }

  private Result run() {
    Watchdog watchdog = Watchdog.arm(threads, "wattswarm-tcp-handshake-deadline", config.handshakeTimeoutMs(), raw);
    try {
      raw.setSoTimeout(config.handshakeTimeoutMs());
      SSLSocket ssl = dialed != null ? TlsContexts.client(ctx, raw, dialed) : TlsContexts.server(ctx, raw);
      ssl.startHandshake();
      // The trust manager already judged the certificate; re-derive the id from the session the
      // handshake settled on, so nothing (e.g. resumption) can skip the check.
      NodeId peer = NodeCertificates.nodeIdOf(ssl.getSession().getPeerCertificates());
      if (peer.equals(localId)) {
        throw new TransportException(Kind.WRONG_PEER, remote + " is this node itself; refusing a connection to ourselves");
      }
      if (expectedId != null && !peer.equals(expectedId)) {
        throw new TransportException(Kind.WRONG_PEER, remote + " is node " + peer + ", not the expected " + expectedId);
      }
      var out = new DataOutputStream(new BufferedOutputStream(ssl.getOutputStream(), BUFFER_BYTES));
      var in = new DataInputStream(new BufferedInputStream(ssl.getInputStream(), BUFFER_BYTES));
      Frames.write(out, Frames.HELLO, ours.encode());
      out.flush();
      Frames.Frame first = Frames.read(in, Hello.MAX_BYTES);
      if (first.type() != Frames.HELLO) {
        throw new TransportException(Kind.BAD_HANDSHAKE, remote + " sent frame type " + first.type() + " before its hello");
      }
      Hello theirs = Hello.decode(first.payload());
      if (theirs.version() != Hello.VERSION) {
        throw new TransportException(Kind.BAD_HANDSHAKE, remote + " speaks link protocol version " + theirs.version()
            + ", this node speaks " + Hello.VERSION);
      }
      if (!theirs.networkId().equals(ours.networkId())) {
        throw new TransportException(Kind.WRONG_NETWORK, "peer " + remote + " (" + peer + ") is on network '"
            + theirs.networkId() + "', this node is on network '" + ours.networkId() + "'", null, theirs.networkId());
      }
      HostPort listen = HostPort.parse(theirs.listenAddress());
      if (listen.wildcard()) listen = new HostPort(raw.getInetAddress().getHostAddress(), listen.port());
      if (!watchdog.disarm()) throw timeout();
      return new Result(ssl, in, out, peer, listen.toString());
    } catch (TransportException e) {
      closeQuietly();
      throw e;
    } catch (IOException | CertificateException | RuntimeException e) {
      closeQuietly();
      throw classify(e, watchdog);
    } finally {
      watchdog.disarm();
    }
  }

  private TransportException classify(Exception e, Watchdog watchdog) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof TransportException te) return new TransportException(te.kind(), remote + ": " + te.getMessage(), e);
    }
    if (watchdog.fired() || e instanceof SocketTimeoutException) return timeout();
    if (e instanceof ProtocolViolationException || e instanceof IllegalArgumentException) {
      return new TransportException(Kind.BAD_HANDSHAKE, remote + " sent a malformed hello: " + e.getMessage(), e);
    }
    if (e instanceof CertificateException) {
      return new TransportException(Kind.BAD_HANDSHAKE, remote + " presented an unacceptable certificate: "
          + e.getMessage(), e);
    }
    if (e instanceof EOFException) {
      return new TransportException(Kind.BAD_HANDSHAKE, remote + " closed the connection during the handshake", e);
    }
    if (e instanceof SSLException) {
      return new TransportException(Kind.BAD_HANDSHAKE, "TLS handshake with " + remote + " failed: " + e.getMessage(), e);
    }
    return new TransportException(Kind.BAD_HANDSHAKE, "handshake with " + remote + " failed: " + e, e);
  }

  private TransportException timeout() {
    return new TransportException(Kind.TIMEOUT, "handshake with " + remote + " did not finish within "
        + config.handshakeTimeoutMs() + " ms");
  }

  private void closeQuietly() {
    try {
      raw.close();
    } catch (IOException ignored) {
      // already failing
    }
  }
}
