package dev.wattswarm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.EventFilter;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Group scopes joined at run time over real TLS: a group task reaches members only. */
@org.junit.jupiter.api.Timeout(300)
class GroupScopeTest extends SocialNodes {

  static String phase(NodeHost h, String taskId) {
    return h.tasks().service().get(taskId).map(t -> t.path("state").asText()).orElse("");
  }

  @Test
  void aGroupTaskReachesTheMembersAndNoOneElse() throws Exception {
    NodeHost a = start("a", "127.0.0.81", "network", null);
    NodeHost b = start("b", "127.0.0.82", "wan", contactOf(a));
    NodeHost c = start("c", "127.0.0.83", "wan", contactOf(a));
    assertThat(a.network().joinGroup("team-x")).isTrue();
    assertThat(a.network().joinGroup("team-x")).isFalse();
    assertThat(b.network().joinGroup("team-x")).isTrue();
    assertThat(Files.readString(tmp.resolve("b").resolve("groups.txt"))).contains("team-x");

    a.tasks().service().submit(CanonicalJson.parse(
        "{\"task_id\":\"grp-1\",\"inputs\":{\"prompt\":\"team work\",\"swarm_scope\":\"group:team-x\"}}"));
    await().atMost(Duration.ofSeconds(60)).until(() -> phase(b, "grp-1").equals("finalized"));
    // c shares global with both, yet holds nothing of the group: it is not subscribed, nor sent it
    assertThat(c.network().scopes()).doesNotContain(Scope.parse("group:team-x"));
    assertThat(c.node().store().list(0, 100, new EventFilter("", "", "group:team-x")).events()).isEmpty();
    assertThat(phase(c, "grp-1")).isEmpty();

    // a task in its own group: the coordinator joins group:<task_id> for it
    a.tasks().service().submit(CanonicalJson.parse(
        "{\"task_id\":\"busy-1\",\"inputs\":{\"prompt\":\"many rounds\",\"swarm_scope\":\"group:busy-1\"}}"));
    assertThat(a.network().scopes()).contains(Scope.parse("group:busy-1"));
    await().atMost(Duration.ofSeconds(60)).until(() -> phase(a, "busy-1").equals("finalized"));

    // a group this node did not join is refused with what to do
    assertThatThrownBy(() -> c.tasks().service().submit(CanonicalJson.parse(
        "{\"task_id\":\"grp-2\",\"inputs\":{\"prompt\":\"x\",\"swarm_scope\":\"group:team-x\"}}")))
        .hasMessageContaining("group join");

    assertThat(b.network().leaveGroup("team-x")).isTrue();
    assertThat(b.network().scopes()).doesNotContain(Scope.parse("group:team-x"));
    assertThatThrownBy(() -> b.network().joinGroup("dm-123")).hasMessageContaining("reserved");
    assertThatThrownBy(() -> b.network().joinGroup("bad id!")).isInstanceOf(IllegalArgumentException.class);
  }
}
