package dev.wattswarm.cli;

import dev.wattswarm.kernel.store.StoreException;
import dev.wattswarm.node.state.StateDirException;
import java.io.PrintWriter;

/**
 * How a failed command is told to the user: one line on stderr saying what happened and what to
 * do, with secrets masked. Stack traces are for developers, so they appear only with
 * {@code WATTSWARM_LOG_LEVEL=DEBUG} (or TRACE), whatever the failure.
 */
final class ErrorReport {
  private ErrorReport() {}

  /** True when the user asked for developer detail. */
  static boolean debug() {
    String level = System.getenv("WATTSWARM_LOG_LEVEL");
    return level != null && (level.equalsIgnoreCase("DEBUG") || level.equalsIgnoreCase("TRACE") || level.equalsIgnoreCase("ALL"));
  }

  /** Prints the one-line report (and, in debug, the trace) and returns the exit code. */
  static int report(Throwable ex, PrintWriter err) {
    err.println("error: " + message(ex));
    if (debug()) ex.printStackTrace(err);
    err.flush();
    return exitCode(ex);
  }

  static int exitCode(Throwable ex) {
    if (ex instanceof CliException c) return c.exitCode();
    // input the user gave was wrong (a malformed file, a bad value): bad usage, as the README promises
    if (ex instanceof IllegalArgumentException) return BAD_INPUT;
    return CliException.FAILED;
  }

  static final int BAD_INPUT = 2;

  /** The exception's message on one line, secrets masked; unexpected failures say how to see more. */
  static String message(Throwable ex) {
    String msg = ex.getMessage();
    boolean known = ex instanceof CliException || ex instanceof StateDirException || ex instanceof StoreException
        || ex instanceof IllegalArgumentException || ex instanceof IllegalStateException
        || ex instanceof java.io.IOException || ex instanceof java.io.UncheckedIOException;
    if (msg == null || msg.isBlank()) msg = ex.getClass().getSimpleName();
    else if (!known) msg = ex.getClass().getSimpleName() + ": " + msg;
    msg = redact(oneLine(msg));
    if (!known && !debug()) msg += " (unexpected; run again with WATTSWARM_LOG_LEVEL=DEBUG for the details, and report it)";
    return msg;
  }

  /** URL passwords and key=value secrets, and the literal values of secret-bearing variables. */
  static String redact(String s) {
    String out = dev.wattswarm.kernel.Secrets.redact(s);
    for (var e : System.getenv().entrySet()) {
      String k = e.getKey().toUpperCase(java.util.Locale.ROOT);
      String v = e.getValue();
      if (v.length() >= 4 && (k.endsWith("PASSWORD") || k.endsWith("TOKEN") || k.endsWith("SECRET") || k.endsWith("API_KEY"))) {
        out = out.replace(v, dev.wattswarm.kernel.Secrets.MASK);
      }
    }
    return out;
  }

  static String oneLine(String s) {
    return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }
}
