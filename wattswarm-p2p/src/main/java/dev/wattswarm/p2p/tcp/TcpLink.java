package dev.wattswarm.p2p.tcp;

import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.p2p.transport.Link;
import dev.wattswarm.p2p.transport.Transport;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One established TLS connection. A writer virtual thread drains a bounded queue ({@link #send}
 * never blocks; {@link #sendNow} writes on the caller's thread when the queue is idle) and pings when it has had nothing to send for {@code pingIntervalMs}; the reader
 * (the thread that made the link) delivers data frames in order, answers pings, and closes the
 * link when nothing arrives for {@code deadAfterMs}. Every listener callback of a link comes from
 * its reader, so linkDown always comes after the last frame, exactly once.
 */
final class TcpLink implements Link {
  private static final Logger log = LoggerFactory.getLogger(TcpLink.class);

  private record Outgoing(byte type, byte[] payload) {}

  private final NodeId peer;
  private final String peerListenAddress;
  private final boolean inbound;
  private final Socket raw;
  private final DataInputStream in;
  private final DataOutputStream out;
  private final TcpConfig config;
  /** Unbounded as a structure; data frames in it are bounded by {@link #queuedData}. */
  private final LinkedBlockingQueue<Outgoing> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger queuedData = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong queuedBytes = new java.util.concurrent.atomic.AtomicLong();
  /** Frames queued and not yet written: a direct write ({@link #sendNow}) waits its turn behind them. */
  private final AtomicInteger unwritten = new AtomicInteger();
  /** Held while frames go into the stream and it is flushed, by the writer or a direct sender. */
  private final java.util.concurrent.locks.ReentrantLock writing = new java.util.concurrent.locks.ReentrantLock();
  /** At most one pong waits in the queue, so a ping flood cannot grow it. */
  private final AtomicBoolean pongQueued = new AtomicBoolean();
  private final AtomicReference<String> closeReason = new AtomicReference<>();
  private volatile Thread writer;
  private volatile long lastReceivedNanos = System.nanoTime();
  private volatile long rttNanos = -1;

  TcpLink(Handshake.Result channel, Socket raw, boolean inbound, TcpConfig config) {
    this.peer = channel.peer();
    this.peerListenAddress = channel.peerListenAddress();
    this.inbound = inbound;
    this.raw = raw;
    this.in = channel.in();
    this.out = channel.out();
    this.config = config;
  }

  @Override
  public NodeId peer() {
    return peer;
  }

  @Override
  public String peerListenAddress() {
    return peerListenAddress;
  }

  @Override
  public boolean inbound() {
    return inbound;
  }

  /** The frame is handed over as is: do not modify the array afterwards. */
  @Override
  public boolean send(byte[] frame) {
    Objects.requireNonNull(frame, "frame");
    if (frame.length > config.maxFrameBytes()) {
      throw new IllegalArgumentException("frame of " + frame.length + " bytes over the cap " + config.maxFrameBytes());
    }
    if (!isOpen()) return false;
    if (queuedData.incrementAndGet() > config.sendQueueFrames()
        | queuedBytes.addAndGet(frame.length) > config.sendQueueBytes()) {
      queuedData.decrementAndGet();
      queuedBytes.addAndGet(-frame.length);
      return false;
    }
    unwritten.incrementAndGet();
    queue.offer(new Outgoing(Frames.DATA, frame));
    return true;
  }

  /**
   * Writes on the caller's thread when nothing is queued or being written (so frames keep their
   * order: one queued earlier is written first, by the writer), else queues like {@link #send}.
   * Saves a thread wake-up per frame on the request/response path.
   */
  @Override
  public boolean sendNow(byte[] frame) {
    Objects.requireNonNull(frame, "frame");
    if (frame.length > config.maxFrameBytes() || unwritten.get() != 0 || !isOpen() || !writing.tryLock()) return send(frame);
    try {
      if (unwritten.get() != 0) return send(frame);
      Frames.write(out, Frames.DATA, frame);
      out.flush();
      return true;
    } catch (IOException e) {
      close("write failed: " + e.getMessage());
      return false;
    } finally {
      writing.unlock();
    }
  }

  @Override
  public boolean isOpen() {
    return closeReason.get() == null;
  }

  /** Closes the connection at once (no goodbye); linkDown follows from the reader thread. */
  @Override
  public void close(String reason) {
    if (!closeReason.compareAndSet(null, reason == null || reason.isBlank() ? "closed" : reason)) return;
    try {
      raw.close();
    } catch (IOException ignored) {
      // closed is closed
    }
    Thread w = writer;
    if (w != null) w.interrupt();
    queue.clear();
  }

  /** Bytes of data frames waiting for the writer (bounded by {@code sendQueueBytes}). */
  long queuedBytes() {
    return queuedBytes.get();
  }

  /** Why the link closed, or null while open. */
  String closeReason() {
    return closeReason.get();
  }

  /** The last measured ping round trip in microseconds, or -1 before the first pong. */
  long rttMicros() {
    long r = rttNanos;
    return r < 0 ? -1 : r / 1000;
  }

  void startWriter(ThreadTracker threads) {
    writer = threads.start("wattswarm-tcp-writer-" + shortPeer(), this::runWriter);
    if (!isOpen()) writer.interrupt();
  }

  private void runWriter() {
    try {
      while (isOpen()) {
        Outgoing next = queue.poll(config.pingIntervalMs(), TimeUnit.MILLISECONDS);
        if (!isOpen()) break;
        writing.lockInterruptibly();
        try {
          if (next == null) {
            Frames.write(out, Frames.PING, ByteBuffer.allocate(8).putLong(System.nanoTime()).array());
          } else {
            int batched = 0;
            do {
              write(next);
              batched += next.payload().length;
            } while (batched < Handshake.BUFFER_BYTES && (next = queue.poll()) != null);
          }
          out.flush();
        } finally {
          writing.unlock();
        }
      }
    } catch (InterruptedException e) {
      // the link is closing
    } catch (IOException e) {
      close("write failed: " + e.getMessage());
    }
  }

  private void write(Outgoing o) throws IOException {
    if (o.type() == Frames.DATA) {
      queuedData.decrementAndGet();
      queuedBytes.addAndGet(-o.payload().length);
    }
    if (o.type() == Frames.PONG) pongQueued.set(false);
    Frames.write(out, o.type(), o.payload());
    unwritten.decrementAndGet();
  }

  /**
   * Reads until the link closes, then reports linkDown. Runs on the thread that made the link,
   * after linkUp.
   */
  void runReader(Transport.Listener listener, Runnable onViolation) {
    try {
      raw.setSoTimeout(config.deadAfterMs());
      lastReceivedNanos = System.nanoTime();
      while (isOpen()) {
        Frames.Frame f;
        try {
          f = Frames.read(in, config.maxFrameBytes());
        } catch (SocketTimeoutException e) {
          close("peer silent for " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastReceivedNanos) + " ms");
          break;
        }
        lastReceivedNanos = System.nanoTime();
        switch (f.type()) {
          case Frames.DATA -> deliver(listener, f.payload());
          case Frames.PING -> {
            if (pongQueued.compareAndSet(false, true)) {
              unwritten.incrementAndGet();
              queue.offer(new Outgoing(Frames.PONG, f.payload()));
            }
          }
          case Frames.PONG -> {
            if (f.payload().length == 8) rttNanos = System.nanoTime() - ByteBuffer.wrap(f.payload()).getLong();
          }
          case Frames.HELLO -> throw new ProtocolViolationException("second hello on an established link");
          default -> throw new ProtocolViolationException("unknown frame type " + f.type());
        }
      }
    } catch (ProtocolViolationException e) {
      if (isOpen()) onViolation.run();
      close("protocol violation: " + e.getMessage());
    } catch (EOFException e) {
      close("connection closed by peer");
    } catch (IOException e) {
      close("connection failed: " + e.getMessage());
    } finally {
      close("reader stopped");
      try {
        listener.linkDown(this, closeReason.get());
      } catch (RuntimeException e) {
        log.warn("linkDown listener failed for {}", this, e);
      }
    }
  }

  private void deliver(Transport.Listener listener, byte[] payload) {
    try {
      listener.frame(this, payload);
    } catch (RuntimeException e) {
      log.warn("frame listener failed on {}; the frame is dropped", this, e);
    }
  }

  private String shortPeer() {
    String s = peer.toString();
    return s.length() > 12 ? s.substring(0, 12) : s;
  }

  @Override
  public String toString() {
    return "TcpLink[" + (inbound ? "in" : "out") + " " + peer + " @ " + peerListenAddress
        + (isOpen() ? "" : ", closed: " + closeReason.get()) + "]";
  }
}
