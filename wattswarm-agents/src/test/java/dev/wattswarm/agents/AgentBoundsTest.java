package dev.wattswarm.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.Projections;
import dev.wattswarm.node.config.NodeConfig;
import dev.wattswarm.node.state.StateDir;
import dev.wattswarm.testkit.StepClock;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What others can fill is bounded: inboxes, unread ask-async replies, the remote registry; drops are counted. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentBoundsTest {
  @TempDir Path tmp;
  final StepClock clock = new StepClock(System.currentTimeMillis());
  final CountDownLatch release = new CountDownLatch(1);
  Node node;

  AgentRuntime start(AgentConfig config, Responder r) {
    node = Node.open(NodeConfig.local(tmp.resolve("n")), new StateDir(tmp.resolve("n")), clock, new SecureRandom(), Projections.all());
    return AgentRuntime.start(node, null, null, config, List.of(AgentSpec.parse("lead:coordinator:coordination"),
        AgentSpec.parse("sec:specialist:security")), s -> r);
  }

  @AfterEach
  void stop() {
    release.countDown();
    if (node != null) node.close();
  }

  @Test
  void aFullInboxDropsAndCounts() throws Exception {
    AgentRuntime rt = start(AgentConfig.defaults().withBounds(2, 4, 8, 1_000, 4, 8, 100), new RulesResponder());
    for (int i = 0; i < 5; i++) assertThat(rt.operatorNotify("security", CanonicalJson.object().put("i", i))).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> rt.counters().get("inbox_dropped") == 3);
    PeerClient sec = rt.client("sec");
    assertThat(sec.receive(1_000)).isPresent();
    assertThat(sec.receive(1_000)).isPresent();
    assertThat(sec.receive(0)).isEmpty();
  }

  @Test
  void askAsyncIsBoundedPerAgentAndUnreadRepliesExpire() {
    Responder blocking = (self, from, body) -> {
      release.await();
      return CanonicalJson.object();
    };
    AgentRuntime rt = start(AgentConfig.defaults().withBounds(8, 2, 8, 1_000, 4, 8, 100), blocking);
    PeerClient lead = rt.client("lead");
    String first = lead.askAsync("security", CanonicalJson.object(), 1_000);
    lead.askAsync("security", CanonicalJson.object(), 1_000);
    assertThatThrownBy(() -> lead.askAsync("security", CanonicalJson.object(), 1_000)).isInstanceOf(AgentException.class)
        .hasMessageContaining("the bound is 2");
    assertThat(rt.counters().get("ask_async_dropped")).isEqualTo(1);
    // past the request's timeout and the ttl, unread entries go (the runtime's timer sweeps them)
    clock.advance(2_001);
    await().atMost(Duration.ofSeconds(10)).until(() -> rt.counters().get("ask_async_expired") == 2);
    assertThatThrownBy(() -> lead.checkInbox(first)).hasMessageContaining("expired unread");
    // room again for new ones
    lead.askAsync("security", CanonicalJson.object(), 1_000);
  }

  @Test
  void theRemoteRegistryKeepsOnlyItsBounds() {
    AgentCounters counters = new AgentCounters();
    AgentRegistry reg = new AgentRegistry(List::of, 10_000, 3, counters);
    reg.replaceRemote("n1", records("n1", 2), 1);
    reg.replaceRemote("n2", records("n2", 2), 1);
    assertThat(reg.all()).hasSize(3);
    assertThat(counters.get(AgentCounters.REGISTRY_DROPPED)).isEqualTo(1);
    // n1 announcing again is measured against the others, not against itself
    reg.replaceRemote("n1", records("n1", 1), 2);
    assertThat(reg.all()).hasSize(2);
    assertThat(reg.newer("n1", 2)).isFalse();
    reg.expire(20_000);
    assertThat(reg.all()).isEmpty();
  }

  static List<AgentRecord> records(String node, int n) {
    List<AgentRecord> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(new AgentRecord(node + "-a" + i, "a" + i, Role.WORKER, Set.of("x"), "", node, 0, 1, 0));
    return out;
  }
}
