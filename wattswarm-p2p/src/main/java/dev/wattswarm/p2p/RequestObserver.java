package dev.wattswarm.p2p;

/**
 * Told when a request/response exchange ends, so the node can measure its requests (metrics)
 * without the substrate knowing how they are reported.
 */
@FunctionalInterface
public interface RequestObserver {
  RequestObserver NONE = (service, outcome, nanos) -> {};

  /**
   * @param service the request's first byte, which names the service asked; -1 for an empty request
   * @param outcome {@code ok}, {@code no_answer}, {@code timeout} or {@code failed}
   * @param nanos from asking (or, when answering, from arrival) until the exchange ended
   */
  void completed(int service, String outcome, long nanos);

  /** The outcome of a finished request future: the bytes it answered with, or how it failed. */
  static String outcome(byte[] answer, Throwable failure) {
    if (failure == null) return answer == null ? "no_answer" : "ok";
    Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return t instanceof java.util.concurrent.TimeoutException ? "timeout" : "failed";
  }
}
