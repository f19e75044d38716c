package dev.wattswarm.p2p.tcp;

/**
 * Tuning of a {@link TcpTransport}. Immutable; the {@code with...} methods return changed copies.
 *
 * <p>Defaults ({@link #defaults()} = {@link #local()}) aim at a dead peer being noticed in under 2
 * s on a quiet loopback or LAN; {@link #wan()} tolerates longer stalls before declaring a peer
 * down.
 *
 * @param maxFrameBytes largest application frame a link accepts, in bytes (default 4 MiB). A
 *     larger {@code send} throws; a larger incoming frame closes the link as a protocol violation.
 *     Both ends should use the same cap.
 * @param sendQueueFrames frames a link holds for its writer before {@code send} returns false
 *     (default 1024)
 * @param sendQueueBytes bytes of data frames a link holds for its writer before {@code send}
 *     returns false (default 8 MiB): what bounds a link's outbound memory, since 1024 frames at
 *     the cap would be 4 GiB. At least {@code maxFrameBytes}, so any frame fits an empty queue.
 * @param connectTimeoutMs how long a TCP connect may take before {@code connect} fails with
 *     TIMEOUT (default 5000)
 * @param handshakeTimeoutMs how long the whole TLS handshake plus hello exchange may take, on
 *     either side, before the connection is dropped (default 5000)
 * @param pingIntervalMs a link that has sent nothing for this long sends a ping (default 500)
 * @param deadAfterMs a link that has received nothing (no frame, no ping) for this long is closed
 *     as "peer silent" (default 1500); must exceed {@code pingIntervalMs}
 */
public record TcpConfig(
    int maxFrameBytes,
    int sendQueueFrames,
    long sendQueueBytes,
    int connectTimeoutMs,
    int handshakeTimeoutMs,
    int pingIntervalMs,
    int deadAfterMs) {

  /** Frames carry a 4-byte length and a type byte; keep the total well inside an int. */
  public static final int MAX_FRAME_CAP = 1 << 30;

  public TcpConfig {
    positive("maxFrameBytes", maxFrameBytes);
    if (maxFrameBytes > MAX_FRAME_CAP) {
      throw new IllegalArgumentException("maxFrameBytes " + maxFrameBytes + " is over " + MAX_FRAME_CAP);
    }
    positive("sendQueueFrames", sendQueueFrames);
    if (sendQueueBytes < maxFrameBytes) {
      throw new IllegalArgumentException("sendQueueBytes " + sendQueueBytes + " is under maxFrameBytes " + maxFrameBytes
          + ": a frame at the cap could never be queued");
    }
    positive("connectTimeoutMs", connectTimeoutMs);
    positive("handshakeTimeoutMs", handshakeTimeoutMs);
    positive("pingIntervalMs", pingIntervalMs);
    positive("deadAfterMs", deadAfterMs);
    if (deadAfterMs <= pingIntervalMs) {
      throw new IllegalArgumentException("deadAfterMs (" + deadAfterMs + ") must be longer than pingIntervalMs ("
          + pingIntervalMs + "), or idle but healthy links would be declared dead");
    }
  }

  /** The defaults: same as {@link #local()}. */
  public static TcpConfig defaults() {
    return local();
  }

  /** Loopback and same-host clusters: ping 500 ms, dead after 1.5 s. */
  public static TcpConfig local() {
    return new TcpConfig(4 << 20, 1024, 8L << 20, 5_000, 5_000, 500, 1_500);
  }

  /** A local network: ping 1 s, dead after 4 s. */
  public static TcpConfig lan() {
    return new TcpConfig(4 << 20, 1024, 8L << 20, 5_000, 5_000, 1_000, 4_000);
  }

  /** The internet: longer connects and handshakes, ping 2 s, dead after 10 s. */
  public static TcpConfig wan() {
    return new TcpConfig(4 << 20, 1024, 8L << 20, 10_000, 10_000, 2_000, 10_000);
  }

  public TcpConfig withMaxFrameBytes(int v) {
    return new TcpConfig(v, sendQueueFrames, Math.max(sendQueueBytes, v), connectTimeoutMs, handshakeTimeoutMs, pingIntervalMs, deadAfterMs);
  }

  public TcpConfig withSendQueueFrames(int v) {
    return new TcpConfig(maxFrameBytes, v, sendQueueBytes, connectTimeoutMs, handshakeTimeoutMs, pingIntervalMs, deadAfterMs);
  }

  public TcpConfig withConnectTimeoutMs(int v) {
    return new TcpConfig(maxFrameBytes, sendQueueFrames, sendQueueBytes, v, handshakeTimeoutMs, pingIntervalMs, deadAfterMs);
  }

  public TcpConfig withHandshakeTimeoutMs(int v) {
    return new TcpConfig(maxFrameBytes, sendQueueFrames, sendQueueBytes, connectTimeoutMs, v, pingIntervalMs, deadAfterMs);
  }

  /** Both liveness timings at once, since each constrains the other. */
  public TcpConfig withLiveness(int pingMs, int deadMs) {
    return new TcpConfig(maxFrameBytes, sendQueueFrames, sendQueueBytes, connectTimeoutMs, handshakeTimeoutMs, pingMs, deadMs);
  }

  public TcpConfig withSendQueueBytes(long v) {
    return new TcpConfig(maxFrameBytes, sendQueueFrames, v, connectTimeoutMs, handshakeTimeoutMs, pingIntervalMs, deadAfterMs);
  }

  private static void positive(String name, int v) {
    if (v <= 0) throw new IllegalArgumentException(name + " must be > 0, got " + v);
  }
}
