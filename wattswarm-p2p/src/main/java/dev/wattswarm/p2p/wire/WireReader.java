package dev.wattswarm.p2p.wire;

import dev.wattswarm.kernel.identity.NodeId;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the substrate's frames. Every length is checked against what is left, so a truncated or
 * forged frame fails with {@link MalformedFrameException} instead of allocating or overreading.
 */
public final class WireReader {
  private final ByteBuffer in;

  public WireReader(byte[] frame) {
    this.in = ByteBuffer.wrap(frame);
  }

  public int u8() {
    try {
      return in.get() & 0xff;
    } catch (BufferUnderflowException e) {
      throw new MalformedFrameException("frame ends early");
    }
  }

  public int i32() {
    try {
      return in.getInt();
    } catch (BufferUnderflowException e) {
      throw new MalformedFrameException("frame ends early");
    }
  }

  public long i64() {
    try {
      return in.getLong();
    } catch (BufferUnderflowException e) {
      throw new MalformedFrameException("frame ends early");
    }
  }

  public byte[] bytes(int max) {
    int n = i32();
    if (n < 0 || n > max || n > in.remaining()) {
      throw new MalformedFrameException("length " + n + " is negative, over " + max + " or past the end");
    }
    byte[] b = new byte[n];
    in.get(b);
    return b;
  }

  public byte[] fixed(int n) {
    if (in.remaining() < n) throw new MalformedFrameException("frame ends early");
    byte[] b = new byte[n];
    in.get(b);
    return b;
  }

  public String string(int max) {
    return new String(bytes(max), StandardCharsets.UTF_8);
  }

  public NodeId node() {
    try {
      return new NodeId(fixed(32));
    } catch (IllegalArgumentException e) {
      throw new MalformedFrameException("bad node id");
    }
  }

  /** A node and its address; an address that is not a dialable host:port fails the frame. */
  public PeerInfo peer() {
    NodeId id = node();
    String address = string(HostPort.MAX_LENGTH);
    try {
      HostPort.parse(address);
    } catch (IllegalArgumentException e) {
      throw new MalformedFrameException("bad_addresses", "bad address for " + id + ": " + e.getMessage());
    }
    return new PeerInfo(id, address);
  }

  public List<PeerInfo> peers(int max) {
    int n = i32();
    if (n < 0 || n > max) throw new MalformedFrameException("peer list of " + n + " (max " + max + ")");
    List<PeerInfo> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) out.add(peer());
    return out;
  }

  public boolean atEnd() {
    return !in.hasRemaining();
  }
}
