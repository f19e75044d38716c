package dev.wattswarm.server.publicapi;

/** The public port the operator chose is taken by another process. */
public final class PublicPortInUseException extends IllegalArgumentException {
  public PublicPortInUseException(String host, int port) {
    super("public port " + host + ":" + port + " is already in use by another process. "
        + "Pick another with WATTSWARM_PUBLIC_HTTP_ADDR=host:port (port 0 picks a free one), or set it to off.");
  }
}
