package dev.wattswarm.p2p.suite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.p2p.Substrate;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The overlay's own behaviour on top of the substrate suite: partial views bounded by the
 * membership protocol, and bans, which only an overlay can impose (its links prove who sent a
 * frame; a broker proves nothing, so the nats substrate counts strikes instead).
 */
abstract class OverlayBehaviourSuite extends SubstrateBehaviourSuite {
  @Override
  protected abstract OverlayEnv env();

  OverlayEnv overlays() {
    return (OverlayEnv) env;
  }

  @Test
  void membershipViewsStayBounded() {
    startAndJoin();
    for (Substrate s : nodes) assertThat(s.neighbours().size()).isBetween(1, 5);
  }

  @Test
  void aPeerThatKeepsMisbehavingIsBanned() {
    startAndJoin();
    for (int i = 0; i < 6; i++) overlays().sendRaw(1, 4, new byte[] {(byte) 0x77});
    assertThat(env.await(() -> overlays().overlay(4).bans() >= 1, 10_000)).as("node 4 banned node 1").isTrue();
    byte[] id = publish(0, "the others carry on");
    assertThat(env.await(() -> everyoneHas(id, Set.of(1)), 20_000)).isTrue();
  }
}
