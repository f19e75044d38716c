package dev.wattswarm.p2p.tcp;

import dev.wattswarm.p2p.wire.HostPort;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.transport.Link;
import dev.wattswarm.p2p.transport.Transport;
import dev.wattswarm.p2p.transport.TransportException;
import dev.wattswarm.p2p.transport.TransportException.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real-socket transport: TCP, TLS 1.3 with mutual authentication by self-signed Ed25519 node
 * certificates (the certificate key is the node id), a hello exchange binding both ends to one
 * network, then length-prefixed frames with ping-based liveness.
 *
 * <p>Threads: one virtual acceptor; per connection, one thread that runs the handshake and then
 * reads the link (delivering every callback of that link in order; a platform thread for the
 * first {@link ThreadTracker#PLATFORM_LINK_THREADS}, virtual beyond), and one virtual writer. A peer
 * silent for {@link TcpConfig#deadAfterMs()} is declared down.
 */
public final class TcpTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(TcpTransport.class);
  /** Handshakes in flight above this are refused at once, so a connection flood stays bounded. */
  static final int MAX_PENDING_HANDSHAKES = 256;
  private static final long CLOSE_WAIT_MS = 2_000;
  private static final Listener NO_LISTENER = new Listener() {
    @Override public void linkUp(Link link) {}
    @Override public void frame(Link link, byte[] frame) {}
    @Override public void linkDown(Link link, String reason) {}
  };

  private final KeyPair key;
  private final String networkId;
  private final TcpConfig config;
  private final ServerSocket server;
  private final java.util.List<ServerSocket> extraServers = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final String localAddress;
  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final javax.net.ssl.SSLContext serverContext;
  private final ThreadTracker threads = new ThreadTracker();
  private final Set<TcpLink> links = ConcurrentHashMap.newKeySet();
  private final Set<Socket> handshaking = ConcurrentHashMap.newKeySet();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong violations = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Listener listener;

  private TcpTransport(KeyPair key, String networkId, TcpConfig config, ServerSocket server) {
    this.key = key;
    this.networkId = networkId;
    this.config = config;
    this.server = server;
    this.localAddress = HostPort.of(server.getInetAddress(), server.getLocalPort()).toString();
    this.certificate = NodeCertificates.selfSigned(key);
    byte[] seed = key.secretForStorage();
    try {
      this.privateKey = NodeCertificates.privateKey(seed);
    } finally {
      java.util.Arrays.fill(seed, (byte) 0);
    }
    this.serverContext = TlsContexts.create(certificate, privateKey, new NodeTrustManager(key.id(), null));
  }

  /**
   * Listens on {@code listen} (port 0 picks a free port; see {@link #localAddress()}) and accepts
   * peers of {@code networkId} from now on.
   *
   * @throws UncheckedIOException when the address cannot be bound
   */
  public static TcpTransport start(KeyPair key, String networkId, InetSocketAddress listen, TcpConfig config) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(config, "config");
    if (networkId == null || networkId.isBlank()) throw new IllegalArgumentException("network id is empty");
    Hello.utf8(networkId, Hello.MAX_NETWORK_ID_BYTES, "network id");
    ServerSocket server;
    try {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(listen, 128);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + listen + ": " + e.getMessage(), e);
    }
    TcpTransport t;
    try {
      t = new TcpTransport(key, networkId, config, server);
    } catch (RuntimeException e) {
      closeQuietly(server);
      throw e;
    }
    t.threads.start("wattswarm-tcp-accept-" + t.localAddress, () -> t.acceptLoop(server));
    log.info("p2p transport {} listening on {} (network {})", key.id(), t.localAddress, networkId);
    return t;
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

  /** {@code host:port} as bound; a wildcard host (0.0.0.0) is replaced by peers with our IP. */
  @Override
  public String localAddress() {
    return localAddress;
  }

  public TcpConfig config() {
    return config;
  }

  @Override
  public void setListener(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (this) {
      if (this.listener != null) throw new IllegalStateException("the transport's listener is already set");
      this.listener = listener;
    }
  }

  @Override
  public long rejectedPeers() {
    return rejected.get();
  }

  /** Established links closed because the peer broke the framing (oversized or unknown frames). */
  public long protocolViolations() {
    return violations.get();
  }

  /** The links currently up. */
  public List<Link> links() {
    return List.copyOf(links);
  }

  /** Threads of this transport still running (0 after close() once they have wound down). */
  int liveThreads() {
    return threads.liveCount();
  }

  /** @throws IllegalArgumentException when {@code address} is not {@code host:port} */
  @Override
  public CompletableFuture<Link> connect(String address, NodeId expectedId) {
    HostPort target = HostPort.parse(address);
    CompletableFuture<Link> result = new CompletableFuture<>();
    if (closed.get()) {
      result.completeExceptionally(new TransportException(Kind.CLOSED, "transport is closed; cannot dial " + target));
      return result;
    }
    Socket raw = new Socket();
    handshaking.add(raw);
    threads.startLink("wattswarm-tcp-dial-" + target, () -> dial(raw, target, expectedId, result));
    if (closed.get()) closeQuietly(raw); // close() may have run before the socket was registered
    return result;
  }

  private void dial(Socket raw, HostPort target, NodeId expectedId, CompletableFuture<Link> result) {
    Handshake.Result channel;
    try {
      channel = handshakeOutbound(raw, target, expectedId);
    } catch (TransportException e) {
      closeQuietly(raw);
      TransportException reported = e;
      if (closed.get()) {
        reported = new TransportException(Kind.CLOSED, "transport closed while dialing " + target, e);
      } else if (e.kind() == Kind.WRONG_PEER || e.kind() == Kind.WRONG_NETWORK || e.kind() == Kind.BAD_HANDSHAKE) {
        rejected.incrementAndGet();
      }
      log.debug("dial {} failed: {}", target, reported.getMessage());
      result.completeExceptionally(reported);
      return;
    } finally {
      handshaking.remove(raw);
    }
    run(new TcpLink(channel, raw, false, config), result);
  }

  private Handshake.Result handshakeOutbound(Socket raw, HostPort target, NodeId expectedId) {
    try {
      raw.setTcpNoDelay(true);
      raw.connect(new InetSocketAddress(target.host(), target.port()), config.connectTimeoutMs());
    } catch (SocketTimeoutException e) {
      throw new TransportException(Kind.TIMEOUT, "connecting to " + target + " timed out after "
          + config.connectTimeoutMs() + " ms", e);
    } catch (IOException e) {
      throw new TransportException(Kind.UNREACHABLE, "cannot reach " + target + ": " + e.getMessage(), e);
    }
    // A context per dial: its trust manager knows whom we expect, and no session is ever resumed.
    var ctx = TlsContexts.create(certificate, privateKey, new NodeTrustManager(key.id(), expectedId));
    return Handshake.outbound(raw, ctx, target, hello(), config, key.id(), expectedId, threads);
  }

  /**
   * Also accepts peers on {@code listen} (a node with several interfaces or address families):
   * the same identity and network, another socket. Closed with the transport.
   *
   * @return the bound address, port 0 resolved
   * @throws UncheckedIOException when the address cannot be bound
   */
  public String listenAlso(InetSocketAddress listen) {
    ServerSocket extra;
    try {
      extra = new ServerSocket();
      extra.setReuseAddress(true);
      extra.bind(listen, 128);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + listen + ": " + e.getMessage(), e);
    }
    extraServers.add(extra);
    if (closed.get()) closeQuietly(extra);
    String bound = HostPort.of(extra.getInetAddress(), extra.getLocalPort()).toString();
    threads.start("wattswarm-tcp-accept-" + bound, () -> acceptLoop(extra));
    return bound;
  }

  private void acceptLoop(ServerSocket server) {
    while (!closed.get()) {
      Socket raw;
      try {
        raw = server.accept();
      } catch (IOException e) {
        if (closed.get()) break;
        log.warn("accept on {} failed: {}", localAddress, e.toString());
        pause(); // e.g. out of file descriptors: do not spin
        continue;
      }
      if (closed.get() || handshaking.size() >= MAX_PENDING_HANDSHAKES) {
        if (!closed.get()) rejected.incrementAndGet();
        closeQuietly(raw);
        continue;
      }
      handshaking.add(raw);
      threads.startLink("wattswarm-tcp-inbound-" + raw.getRemoteSocketAddress(), () -> accepted(raw));
    }
  }

  private void accepted(Socket raw) {
    Handshake.Result channel;
    try {
      raw.setTcpNoDelay(true);
      channel = Handshake.inbound(raw, serverContext, hello(), config, key.id(), threads);
    } catch (TransportException | IOException e) {
      closeQuietly(raw);
      if (!closed.get()) {
        rejected.incrementAndGet();
        log.debug("refused inbound peer {}: {}", raw.getRemoteSocketAddress(), e.getMessage());
      }
      return;
    } finally {
      handshaking.remove(raw);
    }
    run(new TcpLink(channel, raw, true, config), null);
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Registers the link, reports it up, completes the dial, then reads it until it goes down. */
  private void run(TcpLink link, CompletableFuture<Link> dialed) {
    links.add(link);
    if (closed.get()) {
      link.close("transport closed");
      links.remove(link);
      if (dialed != null) dialed.completeExceptionally(new TransportException(Kind.CLOSED, "transport closed"));
      return;
    }
    Listener l = listener != null ? listener : NO_LISTENER;
    if (l == NO_LISTENER) log.warn("link {} is up but no listener is set; its frames are dropped", link);
    link.startWriter(threads);
    try {
      l.linkUp(link);
    } catch (RuntimeException e) {
      log.warn("linkUp listener failed for {}", link, e);
    }
    if (dialed != null) dialed.complete(link);
    try {
      link.runReader(l, violations::incrementAndGet);
    } finally {
      links.remove(link);
    }
  }

  private Hello hello() {
    return new Hello(Hello.VERSION, networkId, localAddress);
  }

  /**
   * Stops accepting, drops handshakes in progress and closes every link (each reports linkDown),
   * then waits briefly for the transport's threads to end. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    closeQuietly(server);
    for (ServerSocket x : extraServers) closeQuietly(x);
    for (Socket s : Set.copyOf(handshaking)) closeQuietly(s);
    for (TcpLink link : Set.copyOf(links)) link.close("transport closed");
    Set<Thread> left = threads.joinAll(CLOSE_WAIT_MS);
    if (!left.isEmpty()) {
      log.warn("transport {} closed but {} threads are still running (a listener callback blocking?): {}",
          key.id(), left.size(), left);
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public String toString() {
    return "TcpTransport[" + key.id() + " @ " + localAddress + ", network " + networkId + "]";
  }
}
