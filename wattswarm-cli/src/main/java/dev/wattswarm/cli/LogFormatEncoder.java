package dev.wattswarm.cli;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.util.Locale;

/**
 * The log line format chosen by {@code WATTSWARM_LOG_FORMAT}: {@code text} (default, for people)
 * or {@code json} (one JSON object per line, for log shippers). Chosen in code rather than in
 * logback.xml because Logback's conditionals need an extra scripting library.
 */
public final class LogFormatEncoder extends EncoderBase<ILoggingEvent> {
  static final String VARIABLE = "WATTSWARM_LOG_FORMAT";
  static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %wsmsg%wsex%n";

  private Encoder<ILoggingEvent> delegate;

  /** The configured format; a system property of the same name wins over the environment (tests). */
  static String format() {
    String v = System.getProperty(VARIABLE, System.getenv(VARIABLE));
    return v == null || v.isBlank() ? "text" : v.trim().toLowerCase(Locale.ROOT);
  }

  @Override
  public void start() {
    String f = format();
    if (f.equals("json")) {
      JsonEncoder json = new JsonEncoder();
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      json.setWithContext(false);
      json.setWithArguments(false);
      // the message with its arguments filled in, not the template
      json.setWithMessage(false);
      json.setWithFormattedMessage(true);
      delegate = json;
    } else {
      if (!f.equals("text")) {
        System.err.println("wattswarm: " + VARIABLE + "=" + f + " is not a log format; using text (set it to text or json)");
      }
      // the one-line converters are registered on the layout itself: a layout built in code does not
      // see logback.xml's conversion rules, and a missing word makes logback print its status on stdout
      ch.qos.logback.classic.PatternLayout layout = new ch.qos.logback.classic.PatternLayout();
      layout.getInstanceConverterMap().put("wsmsg", LogMessage::new);
      layout.getInstanceConverterMap().put("wsex", LogThrowable::new);
      layout.setPattern(TEXT_PATTERN);
      layout.setContext(getContext());
      layout.start();
      ch.qos.logback.core.encoder.LayoutWrappingEncoder<ILoggingEvent> text = new ch.qos.logback.core.encoder.LayoutWrappingEncoder<>();
      text.setLayout(layout);
      delegate = text;
    }
    delegate.setContext(getContext());
    delegate.start();
    super.start();
  }

  @Override
  public byte[] headerBytes() {
    return delegate.headerBytes();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return delegate.encode(event);
  }

  @Override
  public byte[] footerBytes() {
    return delegate.footerBytes();
  }

  @Override
  public void stop() {
    delegate.stop();
    super.stop();
  }
}
