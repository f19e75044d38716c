package dev.wattswarm.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Login codes and sessions without HTTP: one use, expiry at the edge, bounded memory, malformed input. */
class CredentialStoresTest {
  final ManualClock clock = new ManualClock();
  final SecureRandom random = new SecureRandom();

  @Test
  void aCodeIsGoodOnceAndOnlyBeforeItsExpiry() {
    LoginCodes codes = new LoginCodes(clock, random, 1000, 4);
    String a = codes.issue().code();
    assertThat(codes.redeem(a)).isTrue();
    assertThat(codes.redeem(a)).isFalse();
    String b = codes.issue().code();
    clock.advance(999);
    assertThat(codes.redeem(b)).isTrue();
    String c = codes.issue().code();
    clock.advance(1000);
    assertThat(codes.redeem(c)).isFalse();
    assertThat(codes.pending()).isZero();
  }

  @Test
  void codesAreFreshAndMalformedOnesAreRefusedBeforeLookup() {
    LoginCodes codes = new LoginCodes(clock, random, 60_000, 64);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) assertThat(seen.add(codes.issue().code())).isTrue();
    for (String bad : new String[] {null, "", "short", "A".repeat(44), "A".repeat(42) + "=", "A".repeat(42) + "é"}) {
      assertThat(codes.redeem(bad)).as(String.valueOf(bad)).isFalse();
    }
    assertThat(codes.pending()).isEqualTo(50);
  }

  @Test
  void unusedCodesAreBoundedOldestForgottenFirst() {
    LoginCodes codes = new LoginCodes(clock, random, 60_000, 3);
    List<String> issued = new ArrayList<>();
    for (int i = 0; i < 5; i++) issued.add(codes.issue().code());
    assertThat(codes.pending()).isEqualTo(3);
    assertThat(codes.redeem(issued.get(0))).isFalse();
    assertThat(codes.redeem(issued.get(1))).isFalse();
    assertThat(codes.redeem(issued.get(4))).isTrue();
  }

  @Test
  void sessionsExpireAreRevocableAndBounded() {
    Sessions sessions = new Sessions(clock, random, 1000, 2);
    Sessions.Created a = sessions.create();
    assertThat(a.session().csrf()).isNotEqualTo(a.id());
    assertThat(sessions.find(a.id())).contains(a.session());
    Sessions.Created b = sessions.create();
    Sessions.Created c = sessions.create(); // the third logs the oldest out
    assertThat(sessions.find(a.id())).isEmpty();
    assertThat(sessions.find(b.id())).isPresent();
    sessions.revoke(b.id());
    assertThat(sessions.find(b.id())).isEmpty();
    clock.advance(999);
    assertThat(sessions.find(c.id())).isPresent();
    clock.advance(1);
    assertThat(sessions.find(c.id())).isEmpty();
    assertThat(sessions.size()).isZero();
    assertThat(sessions.find("../../x")).isEmpty();
  }
}
