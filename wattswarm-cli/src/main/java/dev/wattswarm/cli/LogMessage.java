package dev.wattswarm.cli;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** A log record's message with credentials masked, like every other message the user sees. */
public final class LogMessage extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return ErrorReport.redact(event.getFormattedMessage());
  }
}
