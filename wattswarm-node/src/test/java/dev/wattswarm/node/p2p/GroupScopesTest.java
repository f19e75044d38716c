package dev.wattswarm.node.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.node.state.StateDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupScopesTest {
  @Test
  void theEnvironmentNamesGroupsCommaSeparated() {
    assertThat(GroupScopes.fromEnv(Map.of("WATTSWARM_P2P_GROUP_IDS", " a, b.c ,,"))).containsExactly(Scope.parse("group:a"),
        Scope.parse("group:b.c"));
    assertThat(GroupScopes.fromEnv(Map.of())).isEmpty();
  }

  @Test
  void badAndReservedIdsAreRefusedNamingTheVariable() {
    assertThatThrownBy(() -> GroupScopes.fromEnv(Map.of("WATTSWARM_P2P_GROUP_IDS", "ok,dm-1234")))
        .hasMessageStartingWith("WATTSWARM_P2P_GROUP_IDS: ").hasMessageContaining("reserved");
    assertThatThrownBy(() -> GroupScopes.fromEnv(Map.of("WATTSWARM_P2P_GROUP_IDS", "no spaces")))
        .hasMessageStartingWith("WATTSWARM_P2P_GROUP_IDS: ");
    assertThatThrownBy(() -> GroupScopes.parse("")).hasMessageContaining("required");
    assertThatThrownBy(() -> GroupScopes.parse("x".repeat(129))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void joinedGroupsSurviveInTheStateDirAndADamagedLineCostsOnlyItself(@TempDir Path tmp) throws Exception {
    StateDir dir = new StateDir(tmp);
    GroupScopes.write(dir, Set.of(Scope.parse("group:team-x")));
    assertThat(GroupScopes.read(dir)).containsExactly(Scope.parse("group:team-x"));
    Files.writeString(dir.file(GroupScopes.FILE), "team-x\nbad id!\ndm-9\nops\n");
    assertThat(GroupScopes.read(dir)).containsExactly(Scope.parse("group:team-x"), Scope.parse("group:ops"));
  }
}
