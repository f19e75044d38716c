package dev.wattswarm.node.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.testkit.TestEvents;
import org.junit.jupiter.api.Test;

/** Two layers' policies on one sync: served only when both allow, refused with the first refusal. */
class SyncPolicyTest {
  static SyncPolicy refusing(String reason, boolean serves) {
    return new SyncPolicy() {
      @Override
      public boolean mayServe(NodeId peer, Scope scope) {
        return serves;
      }

      @Override
      public String refuse(Event e) {
        return reason;
      }
    };
  }

  @Test
  void bothAllowOrTheFirstRefusalWins() {
    Event e = TestEvents.next(TestEvents.signer(1), 1);
    NodeId peer = e.author();
    assertThat(SyncPolicy.both(SyncPolicy.OPEN, SyncPolicy.OPEN).refuse(e)).isNull();
    assertThat(SyncPolicy.both(SyncPolicy.OPEN, refusing("second", true)).refuse(e)).isEqualTo("second");
    assertThat(SyncPolicy.both(refusing("first", true), refusing("second", true)).refuse(e)).isEqualTo("first");
    assertThat(SyncPolicy.both(SyncPolicy.OPEN, SyncPolicy.OPEN).mayServe(peer, Scope.GLOBAL)).isTrue();
    assertThat(SyncPolicy.both(SyncPolicy.OPEN, refusing(null, false)).mayServe(peer, Scope.GLOBAL)).isFalse();
    assertThat(SyncPolicy.both(refusing(null, false), SyncPolicy.OPEN).mayServe(peer, Scope.GLOBAL)).isFalse();
  }

  @Test
  void policiesAddUpInWhateverOrderTheLayersStart() {
    Event e = TestEvents.next(TestEvents.signer(1), 1);
    NodeId peer = e.author();
    SyncPolicy dms = refusing(null, false);
    SyncPolicy hives = refusing("not_hive_member", true);
    for (SyncPolicy p : new SyncPolicy[] {SyncPolicy.add(SyncPolicy.add(SyncPolicy.OPEN, dms), hives),
        SyncPolicy.add(SyncPolicy.add(SyncPolicy.OPEN, hives), dms)}) {
      assertThat(p.refuse(e)).isEqualTo("not_hive_member");
      assertThat(p.mayServe(peer, Scope.GLOBAL)).isFalse();
    }
    assertThat(SyncPolicy.add(SyncPolicy.OPEN, hives)).isSameAs(hives);
  }
}
