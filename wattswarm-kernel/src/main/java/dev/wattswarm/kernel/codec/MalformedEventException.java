package dev.wattswarm.kernel.codec;

/** Bytes that do not decode as an event; the message names the field. */
public final class MalformedEventException extends RuntimeException {
  public MalformedEventException(String message) {
    super(message);
  }
}
