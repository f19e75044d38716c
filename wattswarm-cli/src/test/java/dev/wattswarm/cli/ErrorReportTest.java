package dev.wattswarm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Failures and log records reach the user as one line each, with credentials masked (tests run without DEBUG). */
class ErrorReportTest {
  @Test
  void anUnexpectedFailureIsOneLineThatSaysHowToSeeMore() {
    StringWriter err = new StringWriter();
    int code = ErrorReport.report(new NullPointerException("boom\nsecond line"), new PrintWriter(err, true));
    assertThat(code).isEqualTo(CliException.FAILED);
    assertThat(err.toString().strip().lines()).hasSize(1);
    assertThat(err.toString()).contains("NullPointerException: boom second line").contains("WATTSWARM_LOG_LEVEL=DEBUG")
        .doesNotContain("\tat ");
  }

  @Test
  void badInputExitsTwoAndSecretsAreMasked() {
    StringWriter err = new StringWriter();
    int code = ErrorReport.report(new IllegalArgumentException("cannot use postgres://ws:hunter22@db/w"), new PrintWriter(err, true));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).doesNotContain("hunter22").contains("postgres://ws:***@db/w");
  }

  @Test
  void aLoggedExceptionStaysOnTheLogLine() {
    LoggerContext ctx = new LoggerContext();
    LogThrowable conv = new LogThrowable();
    conv.setContext(ctx);
    conv.start();
    var cause = new java.net.ConnectException("refused");
    LoggingEvent e = new LoggingEvent("x", ctx.getLogger("t"), Level.WARN, "probe failed", new IllegalStateException("down", cause), null);
    String out = conv.convert(e);
    assertThat(out).isEqualTo(" (IllegalStateException: down; caused by ConnectException: refused)");
    LogMessage msg = new LogMessage();
    LoggingEvent withSecret = new LoggingEvent("x", ctx.getLogger("t"), Level.WARN, "url {}", null,
        new Object[] {"postgres://ws:hunter22@db/w"});
    assertThat(msg.convert(withSecret)).doesNotContain("hunter22");
  }
}
