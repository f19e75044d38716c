package dev.wattswarm.kernel.event;

/** An event that failed verification or was refused by the lane/state checks. */
public final class EventRejectedException extends RuntimeException {
  private final RejectReason reason;

  public EventRejectedException(RejectReason reason, String detail) {
    super(reason.code() + ": " + detail);
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }
}
