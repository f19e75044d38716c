package dev.wattswarm.server;

/** The control port is taken by another process. */
public final class PortInUseException extends java.io.IOException {
  public PortInUseException(String host, int port) {
    super("control port " + host + ":" + port + " is already in use by another process. "
        + "Pick another with --control-port or WATTSWARM_CONTROL_PORT (0 picks a free port).");
  }
}
