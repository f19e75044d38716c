package dev.wattswarm.console;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Browser sessions of the console, in memory only: a restart logs every browser out, which is
 * what an operator expects of a node that restarted. Each session has its own CSRF secret that
 * the page must echo on every state-changing request. Thread safe.
 */
final class Sessions {
  /** A live session: the CSRF secret its page sends back, and when it ends. */
  record Session(String csrf, long expiresAtMs) {}

  /** A new session: the id goes into the cookie and is not kept anywhere else. */
  record Created(String id, Session session) {}

  private final Clock clock;
  private final SecureRandom random;
  private final long ttlMs;
  private final int max;
  /** digest of the session id -> session, oldest first */
  private final LinkedHashMap<String, Session> live = new LinkedHashMap<>();

  Sessions(Clock clock, SecureRandom random, long ttlMs, int max) {
    this.clock = clock;
    this.random = random;
    this.ttlMs = ttlMs;
    this.max = max;
  }

  synchronized Created create() {
    long now = clock.millis();
    purge(now);
    while (live.size() >= max) live.remove(live.keySet().iterator().next());
    String id = Secrets.fresh(random);
    Session s = new Session(Secrets.fresh(random), now + ttlMs);
    live.put(Secrets.digest(id), s);
    return new Created(id, s);
  }

  synchronized Optional<Session> find(String id) {
    if (!Secrets.wellFormed(id)) return Optional.empty();
    String key = Secrets.digest(id);
    Session s = live.get(key);
    if (s == null) return Optional.empty();
    if (clock.millis() >= s.expiresAtMs()) {
      live.remove(key);
      return Optional.empty();
    }
    return Optional.of(s);
  }

  synchronized void revoke(String id) {
    if (Secrets.wellFormed(id)) live.remove(Secrets.digest(id));
  }

  synchronized int size() {
    purge(clock.millis());
    return live.size();
  }

  private void purge(long now) {
    for (Iterator<Map.Entry<String, Session>> it = live.entrySet().iterator(); it.hasNext(); ) {
      if (it.next().getValue().expiresAtMs() <= now) it.remove();
    }
  }
}
