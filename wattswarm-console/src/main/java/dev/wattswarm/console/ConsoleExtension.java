package dev.wattswarm.console;

import dev.wattswarm.server.ControlContext;
import dev.wattswarm.server.ControlExtension;
import java.security.SecureRandom;

/**
 * Plugs the supervision console into the control plane (found through
 * {@code META-INF/services}): {@code /supervision} pages and the browser session that opens
 * {@code /v1/} to them.
 */
public final class ConsoleExtension implements ControlExtension {
  private final ConsoleConfig config;

  public ConsoleExtension() {
    this(ConsoleConfig.defaults());
  }

  public ConsoleExtension(ConsoleConfig config) {
    this.config = config;
  }

  @Override
  public void install(ControlContext ctx) {
    // secrets come from the OS's randomness, never from an injected (possibly seeded) source
    SecureRandom random = new SecureRandom();
    var clock = ctx.node().clock();
    Sessions sessions = new Sessions(clock, random, config.sessionTtlMs(), config.maxSessions());
    LoginCodes codes = new LoginCodes(clock, random, config.loginCodeTtlMs(), config.maxLoginCodes());
    SessionAuth auth = new SessionAuth(sessions);
    new ConsoleRoutes(new Assets(), codes, sessions, auth, ctx.token(), config.sessionTtlMs()).register(ctx.router());
    ctx.addAuthenticator(auth);
  }
}
