package dev.wattswarm.kernel.store;

/** The database failed or holds something this version cannot use; the message says what to do. */
public class StoreException extends RuntimeException {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
