package dev.wattswarm.cli;

/** A failure to report on stderr with an exit code; the message says what to do. */
public final class CliException extends RuntimeException {
  public static final int FAILED = 1;
  public static final int NOT_RUNNING = 3;
  public static final int TASK_FAILED = 4;

  private final int exitCode;

  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
