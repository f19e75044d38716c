package dev.wattswarm.server;

/**
 * A part of the control plane that lives in a module above the server (the supervision console),
 * found with {@link java.util.ServiceLoader} so the server need not depend on it. An extension
 * adds routes to the router and may add an {@link Authenticator} for {@code /v1/}.
 */
public interface ControlExtension {
  /** Called once per control plane, before it starts listening. */
  void install(ControlContext ctx);
}
