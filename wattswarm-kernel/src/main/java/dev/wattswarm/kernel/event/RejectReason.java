package dev.wattswarm.kernel.event;

/** Why an event was not applied. Codes are stable: they appear in logs, metrics and API errors. */
public enum RejectReason {
  MALFORMED("bytes do not decode as an event"),
  WRONG_NETWORK("event belongs to another network"),
  PAYLOAD_TOO_LARGE("payload exceeds the configured cap"),
  UNKNOWN_TYPE("event type is not one this node knows"),
  BAD_PAYLOAD("payload is not canonical JSON"),
  BAD_ID("id is not the SHA-256 of the unsigned encoding"),
  BAD_SIGNATURE("signature does not verify against the author's key"),
  GAP("lane sequence skips ahead of the lane head"),
  FORK("a different event already holds this lane position"),
  BAD_PREV("prev does not name the lane's previous event"),
  REJECTED_BY_STATE("the event is not allowed in the current state"),
  FROM_FUTURE("created_at is further ahead of this node's clock than the allowed skew; it is taken when its time comes"),
  BAD_CLOCK("Lamport clock is beyond the range any honest node reaches");

  private final String meaning;

  RejectReason(String meaning) {
    this.meaning = meaning;
  }

  public String code() {
    return name().toLowerCase();
  }

  public String meaning() {
    return meaning;
  }
}
