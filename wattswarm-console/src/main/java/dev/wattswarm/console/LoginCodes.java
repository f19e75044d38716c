package dev.wattswarm.console;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One-time login codes: {@code wattswarm console} asks for one with the control token and prints
 * it inside a link; the browser trades it for a session exactly once, before it expires. Thread
 * safe (every method holds the monitor).
 */
final class LoginCodes {
  /** A code handed out once, and when it stops working. */
  record Issued(String code, long expiresAtMs) {}

  private final Clock clock;
  private final SecureRandom random;
  private final long ttlMs;
  private final int max;
  /** digest -> expiry, oldest first */
  private final LinkedHashMap<String, Long> pending = new LinkedHashMap<>();

  LoginCodes(Clock clock, SecureRandom random, long ttlMs, int max) {
    this.clock = clock;
    this.random = random;
    this.ttlMs = ttlMs;
    this.max = max;
  }

  synchronized Issued issue() {
    long now = clock.millis();
    purge(now);
    while (pending.size() >= max) pending.remove(pending.keySet().iterator().next());
    String code = Secrets.fresh(random);
    long exp = now + ttlMs;
    pending.put(Secrets.digest(code), exp);
    return new Issued(code, exp);
  }

  /** True once for a code that was issued and has not expired; the code is spent either way. */
  synchronized boolean redeem(String code) {
    if (!Secrets.wellFormed(code)) return false;
    Long exp = pending.remove(Secrets.digest(code));
    return exp != null && clock.millis() < exp;
  }

  synchronized int pending() {
    purge(clock.millis());
    return pending.size();
  }

  private void purge(long now) {
    for (Iterator<Map.Entry<String, Long>> it = pending.entrySet().iterator(); it.hasNext(); ) {
      if (it.next().getValue() <= now) it.remove();
    }
  }
}
