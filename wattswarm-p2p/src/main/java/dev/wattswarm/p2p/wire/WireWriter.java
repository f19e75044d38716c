package dev.wattswarm.p2p.wire;

import dev.wattswarm.kernel.identity.NodeId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/** Writes the substrate's frames: a type byte, then big-endian fixed fields and length-prefixed bytes. */
public final class WireWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

  public WireWriter(int type) {
    out.write(type);
  }

  public WireWriter u8(int v) {
    out.write(v);
    return this;
  }

  public WireWriter i32(int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
    return this;
  }

  public WireWriter i64(long v) {
    i32((int) (v >>> 32));
    return i32((int) v);
  }

  public WireWriter bytes(byte[] b) {
    i32(b.length);
    out.writeBytes(b);
    return this;
  }

  public WireWriter fixed(byte[] b) {
    out.writeBytes(b);
    return this;
  }

  public WireWriter string(String s) {
    return bytes(s.getBytes(StandardCharsets.UTF_8));
  }

  public WireWriter node(NodeId id) {
    return fixed(id.keyBytes());
  }

  public WireWriter peer(PeerInfo p) {
    node(p.id());
    return string(p.address());
  }

  public WireWriter peers(Collection<PeerInfo> ps) {
    i32(ps.size());
    for (PeerInfo p : ps) peer(p);
    return this;
  }

  public byte[] done() {
    return out.toByteArray();
  }
}
