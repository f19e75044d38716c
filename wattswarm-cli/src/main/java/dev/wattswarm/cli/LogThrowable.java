package dev.wattswarm.cli;

import ch.qos.logback.classic.pattern.ThrowableHandlingConverter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;

/**
 * The exception part of a log line: the whole trace with {@code WATTSWARM_LOG_LEVEL=DEBUG}, and
 * otherwise only {@code (cause: Type: message)} on the same line, so an operator reading warnings
 * sees what went wrong without a wall of frames.
 */
public final class LogThrowable extends ThrowableHandlingConverter {
  private final ThrowableProxyConverter full = new ThrowableProxyConverter();

  @Override
  public void start() {
    full.setContext(getContext());
    full.start();
    super.start();
  }

  @Override
  public String convert(ILoggingEvent event) {
    IThrowableProxy t = event.getThrowableProxy();
    if (t == null) return "";
    if (ErrorReport.debug()) return System.lineSeparator() + full.convert(event).stripTrailing();
    StringBuilder sb = new StringBuilder(" (");
    for (IThrowableProxy c = t; c != null; c = c.getCause()) {
      if (c != t) sb.append("; caused by ");
      String name = c.getClassName();
      sb.append(name.substring(name.lastIndexOf('.') + 1));
      if (c.getMessage() != null) sb.append(": ").append(ErrorReport.redact(ErrorReport.oneLine(c.getMessage())));
      if (c.getCause() == c) break;
    }
    return sb.append(')').toString();
  }
}
