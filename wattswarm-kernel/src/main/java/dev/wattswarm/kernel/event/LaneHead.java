package dev.wattswarm.kernel.event;

/** The last event of a lane (one author in one scope): its sequence number and id. */
public record LaneHead(long seq, EventId id) {
  public static final LaneHead EMPTY = new LaneHead(0, EventId.ZERO);
}
