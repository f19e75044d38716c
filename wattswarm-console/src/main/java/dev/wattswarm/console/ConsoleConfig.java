package dev.wattswarm.console;

/**
 * How long console credentials live and how many may exist at once.
 *
 * @param loginCodeTtlMs how long a login link printed by {@code wattswarm console} stays usable;
 *     short, because the link travels through a terminal and a browser's history
 * @param sessionTtlMs how long a browser session lasts after login, whatever its activity
 * @param maxLoginCodes unredeemed login codes kept; issuing one more forgets the oldest
 * @param maxSessions live sessions kept; one more logs the oldest out
 */
public record ConsoleConfig(long loginCodeTtlMs, long sessionTtlMs, int maxLoginCodes, int maxSessions) {
  public ConsoleConfig {
    if (loginCodeTtlMs < 1 || sessionTtlMs < 1 || maxLoginCodes < 1 || maxSessions < 1) {
      throw new IllegalArgumentException("console limits must be positive");
    }
  }

  /** 60 s login links, 12 h sessions, 16 pending links, 64 sessions. */
  public static ConsoleConfig defaults() {
    return new ConsoleConfig(60_000, 12 * 3_600_000L, 16, 64);
  }
}
