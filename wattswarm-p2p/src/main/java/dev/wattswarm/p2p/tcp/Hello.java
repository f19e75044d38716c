package dev.wattswarm.p2p.tcp;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The first frame each way after TLS: protocol version, network id, and the sender's listen
 * address (so the side that accepted knows where to dial back). Encoded as a 2-byte version,
 * then each string as a 2-byte length and UTF-8 bytes; nothing may follow.
 */
record Hello(int version, String networkId, String listenAddress) {
  /**
   * 2: relays answer "not through me" (frame 52, RELAY_NACK) and a target answers every copy of a
   * relayed request; a version-1 node would strike the first as an unknown frame.
   */
  static final int VERSION = 2;
  /** Largest hello payload accepted; anything longer is refused before it is read. */
  static final int MAX_BYTES = 1024;
  static final int MAX_NETWORK_ID_BYTES = 256;
  static final int MAX_ADDRESS_BYTES = 300;

  byte[] encode() {
    var bytes = new ByteArrayOutputStream();
    try (var out = new DataOutputStream(bytes)) {
      out.writeShort(version);
      writeString(out, networkId, MAX_NETWORK_ID_BYTES, "network id");
      writeString(out, listenAddress, MAX_ADDRESS_BYTES, "listen address");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** @throws IllegalArgumentException saying what is malformed */
  static Hello decode(byte[] payload) {
    ByteBuffer in = ByteBuffer.wrap(payload);
    try {
      int version = Short.toUnsignedInt(in.getShort());
      String network = readString(in, MAX_NETWORK_ID_BYTES, "network id");
      String address = readString(in, MAX_ADDRESS_BYTES, "listen address");
      if (in.hasRemaining()) throw new IllegalArgumentException(in.remaining() + " stray bytes after the hello");
      if (network.isBlank()) throw new IllegalArgumentException("empty network id");
      return new Hello(version, network, address);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("hello is truncated (" + payload.length + " bytes)");
    }
  }

  static byte[] utf8(String s, int max, String what) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > max) throw new IllegalArgumentException(what + " is " + b.length + " bytes, over " + max);
    return b;
  }

  private static void writeString(DataOutputStream out, String s, int max, String what) throws IOException {
    byte[] b = utf8(s, max, what);
    out.writeShort(b.length);
    out.write(b);
  }

  private static String readString(ByteBuffer in, int max, String what) {
    int n = Short.toUnsignedInt(in.getShort());
    if (n > max) throw new IllegalArgumentException(what + " of " + n + " bytes, over " + max);
    byte[] b = new byte[n];
    in.get(b);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(what + " is not valid UTF-8");
    }
  }
}
