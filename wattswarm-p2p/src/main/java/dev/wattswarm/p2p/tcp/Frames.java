package dev.wattswarm.p2p.tcp;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The wire format of a link, inside TLS: a 4-byte big-endian length, then that many bytes: one
 * frame-type byte and the payload. Only {@link #DATA} frames reach the listener.
 */
final class Frames {
  static final byte DATA = 0;
  static final byte PING = 1;
  static final byte PONG = 2;
  static final byte HELLO = 3;

  private Frames() {}

  /** A frame as read: its type and payload. */
  record Frame(byte type, byte[] payload) {}

  /** Writes one frame into {@code out} (buffered: the caller flushes). */
  static void write(DataOutputStream out, byte type, byte[] payload) throws IOException {
    out.writeInt(payload.length + 1);
    out.writeByte(type);
    out.write(payload);
  }

  /**
   * Reads one frame, refusing a payload over {@code cap} bytes before allocating it.
   *
   * @throws ProtocolViolationException for an empty or oversized frame
   * @throws java.io.EOFException when the stream ends, even mid-frame
   */
  static Frame read(DataInputStream in, int cap) throws IOException {
    long length = Integer.toUnsignedLong(in.readInt());
    if (length == 0) throw new ProtocolViolationException("empty frame (no type byte)");
    long payloadLength = length - 1;
    if (payloadLength > cap) {
      throw new ProtocolViolationException("frame of " + payloadLength + " bytes over the cap " + cap);
    }
    byte type = in.readByte();
    byte[] payload = new byte[(int) payloadLength];
    in.readFully(payload);
    return new Frame(type, payload);
  }
}
