package dev.wattswarm.kernel.codec;

import dev.wattswarm.kernel.crypto.Ed25519;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventId;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.identity.NodeId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The canonical binary encoding of events. Fixed field order, big-endian, strings as u16 length +
 * UTF-8, payload as u32 length + bytes. The signed form appends the 32-byte id and 64-byte
 * signature to the unsigned form, so the id is always recomputable from the bytes received.
 */
public final class EventCodec {
  public static final byte VERSION = 1;
  /** Hard ceiling on one encoded event, whatever the configured payload cap. */
  public static final int MAX_ENCODED = 4 << 20;
  static final int MAX_STRING = 1024;

  private EventCodec() {}

  public static byte[] encodeUnsigned(
      String networkId, NodeId author, Scope scope, EventKind kind, String type, String taskId,
      long clock, long laneSeq, EventId prev, long createdAtMs, byte[] payload) {
    byte[] net = utf8(networkId), sc = utf8(scope.toString()), ty = utf8(type), task = utf8(taskId);
    int size = 1 + 2 + net.length + 32 + 2 + sc.length + 1 + 2 + ty.length + 2 + task.length
        + 8 + 8 + 32 + 8 + 4 + payload.length;
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put(VERSION);
    putString(b, net);
    b.put(author.keyBytes());
    putString(b, sc);
    b.put((byte) kind.ordinal());
    putString(b, ty);
    putString(b, task);
    b.putLong(clock).putLong(laneSeq).put(prev.bytes()).putLong(createdAtMs);
    b.putInt(payload.length).put(payload);
    return b.array();
  }

  public static byte[] signedForm(byte[] unsigned, EventId id, byte[] signature) {
    byte[] out = Arrays.copyOf(unsigned, unsigned.length + 32 + Ed25519.SIGNATURE_SIZE);
    System.arraycopy(id.bytes(), 0, out, unsigned.length, 32);
    System.arraycopy(signature, 0, out, unsigned.length + 32, Ed25519.SIGNATURE_SIZE);
    return out;
  }

  /**
   * Decodes a signed event without verifying it: the id is the one claimed by the sender.
   *
   * @throws MalformedEventException naming the field that could not be read
   */
  public static Event decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) throw new MalformedEventException("empty event");
    if (bytes.length > MAX_ENCODED) {
      throw new MalformedEventException("event is " + bytes.length + " bytes, over the " + MAX_ENCODED + " byte ceiling");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    String field = "version";
    try {
      byte v = b.get();
      if (v != VERSION) throw new MalformedEventException("unsupported event encoding version " + v);
      field = "network_id";
      String net = getString(b);
      field = "author";
      NodeId author = new NodeId(getBytes(b, 32));
      field = "scope";
      Scope scope = Scope.parse(getString(b));
      field = "kind";
      EventKind kind = EventKind.fromCode(b.get());
      field = "type";
      String type = getString(b);
      field = "task_id";
      String taskId = getString(b);
      field = "clock";
      long clock = b.getLong();
      field = "lane_seq";
      long seq = b.getLong();
      field = "prev";
      EventId prev = new EventId(getBytes(b, 32));
      field = "created_at";
      long created = b.getLong();
      field = "payload";
      int plen = b.getInt();
      if (plen < 0 || plen > b.remaining()) throw new MalformedEventException("payload length " + plen + " exceeds the bytes present");
      byte[] payload = getBytes(b, plen);
      field = "id";
      EventId id = new EventId(getBytes(b, 32));
      field = "signature";
      byte[] sig = getBytes(b, Ed25519.SIGNATURE_SIZE);
      if (b.hasRemaining()) throw new MalformedEventException(b.remaining() + " trailing bytes after the signature");
      if (clock < 0 || seq < 1) throw new MalformedEventException("clock must be >= 0 and lane_seq >= 1");
      return new Event(id, net, author, scope, kind, type, taskId, clock, seq, prev, created, payload, sig, bytes);
    } catch (MalformedEventException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new MalformedEventException("cannot read field '" + field + "': " + e.getMessage());
    }
  }

  /** Length of the unsigned prefix of a signed encoding. */
  public static int unsignedLength(Event e) {
    return e.encoded().length - 32 - Ed25519.SIGNATURE_SIZE;
  }

  private static byte[] utf8(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > MAX_STRING) throw new IllegalArgumentException("string field over " + MAX_STRING + " bytes");
    return b;
  }

  private static void putString(ByteBuffer b, byte[] s) {
    b.putShort((short) s.length).put(s);
  }

  private static String getString(ByteBuffer b) {
    int len = Short.toUnsignedInt(b.getShort());
    if (len > MAX_STRING || len > b.remaining()) throw new MalformedEventException("string length " + len + " exceeds the bytes present");
    return new String(getBytes(b, len), StandardCharsets.UTF_8);
  }

  private static byte[] getBytes(ByteBuffer b, int n) {
    if (n > b.remaining()) throw new MalformedEventException("truncated: wanted " + n + " bytes, " + b.remaining() + " left");
    byte[] out = new byte[n];
    b.get(out);
    return out;
  }
}
