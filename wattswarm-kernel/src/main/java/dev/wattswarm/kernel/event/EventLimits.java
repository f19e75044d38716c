package dev.wattswarm.kernel.event;

/**
 * Size caps applied at verification.
 *
 * @param maxPayloadBytes largest payload accepted (canonical JSON bytes)
 */
public record EventLimits(int maxPayloadBytes) {
  public static final EventLimits DEFAULT = new EventLimits(64 * 1024);

  public EventLimits {
    if (maxPayloadBytes < 256 || maxPayloadBytes > dev.wattswarm.kernel.codec.EventCodec.MAX_ENCODED / 2) {
      throw new IllegalArgumentException("maxPayloadBytes must be between 256 and " + dev.wattswarm.kernel.codec.EventCodec.MAX_ENCODED / 2);
    }
  }
}
