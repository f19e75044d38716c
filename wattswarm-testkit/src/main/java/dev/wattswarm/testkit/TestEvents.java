package dev.wattswarm.testkit;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventSigner;
import dev.wattswarm.kernel.event.EventTypes;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;

/** Deterministic signed events for tests: keys from a seed, a fixed clock. */
public final class TestEvents {
  public static final String NETWORK = "local:test";
  public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  private TestEvents() {}

  /** A key derived from {@code seed}, the same on every run. */
  public static KeyPair key(long seed) {
    byte[] secret = new byte[32];
    new Random(seed).nextBytes(secret);
    return new KeyPair(secret);
  }

  public static KeyPair randomKey() {
    return KeyPair.generate(new SecureRandom());
  }

  public static EventSigner signer(long seed) {
    return new EventSigner(key(seed), NETWORK, CLOCK);
  }

  /** A {@code node.started} event carrying {@code n} so payloads (and ids) differ. */
  public static Event next(EventSigner signer, Scope scope, long n) {
    return signer.sign(scope, EventKind.EVENTS, EventTypes.NODE_STARTED, "",
        CanonicalJson.object().put("n", n).put("note", "test"));
  }

  public static Event next(EventSigner signer, long n) {
    return next(signer, Scope.GLOBAL, n);
  }
}
