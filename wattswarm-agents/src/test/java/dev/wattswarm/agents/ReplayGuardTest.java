package dev.wattswarm.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.testkit.StepClock;
import org.junit.jupiter.api.Test;

/** Message ids are refused twice within the skew window, forgotten after it, and never beyond the bound. */
class ReplayGuardTest {
  final StepClock clock = new StepClock(System.currentTimeMillis());
  final ReplayGuard guard = new ReplayGuard(clock, 60_000, 2);

  @Test
  void replaysStaleAndFull() {
    long now = clock.millis();
    assertThat(guard.check("m1", now)).isEqualTo(ReplayGuard.Verdict.FRESH);
    assertThat(guard.check("m1", now)).isEqualTo(ReplayGuard.Verdict.REPLAYED);
    assertThat(guard.check("m2", now - 61_000)).isEqualTo(ReplayGuard.Verdict.STALE);
    assertThat(guard.check("m3", now + 61_000)).isEqualTo(ReplayGuard.Verdict.STALE);
    assertThat(guard.check("m4", now)).isEqualTo(ReplayGuard.Verdict.FRESH);
    assertThat(guard.check("m5", now)).isEqualTo(ReplayGuard.Verdict.FULL); // fail closed, never unchecked
    // once the window has passed, the ids are forgotten (the timestamp alone refuses them now)
    clock.advance(60_001);
    assertThat(guard.check("m1", now)).isEqualTo(ReplayGuard.Verdict.STALE);
    assertThat(guard.check("m6", clock.millis())).isEqualTo(ReplayGuard.Verdict.FRESH);
    assertThat(guard.size()).isEqualTo(1);
  }
}
