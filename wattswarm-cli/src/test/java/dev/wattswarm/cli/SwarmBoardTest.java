package dev.wattswarm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.json.CanonicalJson;
import org.junit.jupiter.api.Test;

/** What `swarm nodes` and the dashboard's swarm section print, from the control plane's JSON. */
class SwarmBoardTest {
  static final String NODES = "{\"nodes\":[{\"node_id\":\"z6MkSelf000000000000\",\"role\":\"coordinator\",\"status\":\"online\",\"load\":1,"
      + "\"capacity\":4,\"last_seen_ms\":1000,\"self\":true,\"agents\":[\"coord\"]},{\"node_id\":\"z6MkGone000000000000\",\"role\":\"worker\","
      + "\"status\":\"offline\",\"load\":0,\"capacity\":8,\"last_seen_ms\":0,\"self\":false,\"agents\":[]}]}";

  @Test
  void nodesTableShowsRoleStatusLoadAndLastSeen() {
    String t = SwarmViewCommands.table(CanonicalJson.parse(NODES).path("nodes"), 61_000);
    assertThat(t).contains("coordinator").contains("online").contains("1/4").contains("now").contains("coord");
    assertThat(t).contains("offline").contains("0/8").contains("61 s ago");
  }

  @Test
  void dashboardSectionShowsWhatTheSeedsDashboardShows() {
    String status = "{\"node_id\":\"z6MkSelf000000000000\",\"role\":\"coordinator\",\"status\":\"online\",\"load\":1,\"capacity\":4,"
        + "\"uptime_ms\":8100000,\"substrate\":{\"kind\":\"nats\",\"connected\":true,\"server\":\"nats://127.0.0.1:4222\"},"
        + "\"totals\":{\"total\":2,\"online\":1,\"busy\":0,\"offline\":1,\"load\":1,\"capacity\":4,\"roles\":{\"coordinator\":1}},"
        + "\"leader\":\"z6MkSelf000000000000\",\"leader_term\":3,"
        + "\"recent_tasks\":[{\"task_id\":\"t-1\",\"state\":\"completed\",\"executor\":\"z6MkGone/w\",\"at_ms\":0}]}";
    String s = SwarmBoard.render(CanonicalJson.parse(status), CanonicalJson.parse(NODES), 5_000);
    assertThat(s).contains("[this node]").contains("Uptime: 2 h 15 min").contains("25% (1/4)");
    assertThat(s).contains("NATS").contains("yes nats://127.0.0.1:4222");
    assertThat(s).contains("2 total, 1 online, 0 busy, 1 offline").contains("1 coordinator").contains("Capacity: 1/4 tasks used");
    assertThat(s).contains("term 3").contains("[discovered nodes]").contains("t-1").contains("completed");
  }
}
