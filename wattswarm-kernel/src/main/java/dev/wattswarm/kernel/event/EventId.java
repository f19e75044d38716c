package dev.wattswarm.kernel.event;

import dev.wattswarm.kernel.crypto.Hashes;
import java.util.Arrays;

/** SHA-256 of an event's canonical unsigned encoding. */
public record EventId(byte[] bytes) {
  public static final EventId ZERO = new EventId(new byte[32]);

  public EventId {
    if (bytes == null || bytes.length != 32) throw new IllegalArgumentException("event id must be 32 bytes");
  }

  public static EventId parse(String hex) {
    if (hex == null || hex.length() != 64) {
      throw new IllegalArgumentException("event id must be 64 hex characters");
    }
    try {
      return new EventId(Hashes.unhex(hex));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("event id '" + hex + "' is not hex");
    }
  }

  public String hex() {
    return Hashes.hex(bytes);
  }

  @Override
  public String toString() {
    return hex();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EventId e && Arrays.equals(bytes, e.bytes);
  }

  @Override
  public int hashCode() {
    return (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
  }
}
