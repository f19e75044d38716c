package dev.wattswarm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wattswarm.agents.AgentSpec;
import dev.wattswarm.agents.Responder;
import dev.wattswarm.agents.RulesResponder;
import dev.wattswarm.node.config.Mode;
import dev.wattswarm.node.swarm.SwarmConfig;
import dev.wattswarm.node.task.Executor;
import dev.wattswarm.node.task.ExecutorsFile;
import dev.wattswarm.server.publicapi.PublicConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The options record an embedder builds: defaults that mean "as node up would", withers that change one field. */
class NodeHostOptionsTest {
  private static final AgentSpec LEAD = AgentSpec.parse("lead:coordinator:coordination");

  @Test
  void defaultsLeaveEveryChoiceToTheNode() {
    NodeHost.Options d = NodeHost.Options.defaults();
    assertThat(d.executors()).as("null reads executors.json").isNull();
    assertThat(d.agents()).isEmpty();
    assertThat(d.responders()).isEmpty();
    assertThat(d.publicHttp()).as("null is the embedded listener for the mode").isNull();
    assertThat(d.swarm()).as("null is the environment's swarm").isNull();
  }

  @Test
  void eachWitherSetsOneFieldAndKeepsTheOthers() {
    List<Executor> execs = ExecutorsFile.defaults();
    Responder rules = new RulesResponder();
    PublicConfig pub = PublicConfig.embedded(Mode.NETWORK);
    SwarmConfig swarm = SwarmConfig.defaults();
    NodeHost.Options o = NodeHost.Options.defaults().withExecutors(execs).withAgents(List.of(LEAD))
        .withResponders(Map.of("lead", rules)).withPublicHttp(pub).withSwarm(swarm);
    assertThat(o).isEqualTo(new NodeHost.Options(execs, List.of(LEAD), Map.of("lead", rules), pub, swarm));
    assertThat(o.withAgents(List.of())).isEqualTo(new NodeHost.Options(execs, List.of(), Map.of("lead", rules), pub, swarm));
    assertThat(o.withExecutors(null).executors()).as("back to executors.json").isNull();
    assertThat(o.withExecutors(List.of()).executors()).as("none at all is not the same as executors.json").isEmpty();
  }

  @Test
  void aCallerChangingItsCollectionsAfterwardsDoesNotChangeTheOptions() {
    List<AgentSpec> agents = new ArrayList<>(List.of(LEAD));
    Map<String, Responder> responders = new HashMap<>(Map.of("lead", new RulesResponder()));
    List<Executor> execs = new ArrayList<>(ExecutorsFile.defaults());
    NodeHost.Options o = NodeHost.Options.defaults().withAgents(agents).withResponders(responders).withExecutors(execs);
    agents.add(AgentSpec.parse("x:specialist:y"));
    responders.clear();
    execs.clear();
    assertThat(o.agents()).containsExactly(LEAD);
    assertThat(o.responders()).containsOnlyKeys("lead");
    assertThat(o.executors()).hasSize(ExecutorsFile.defaults().size());
    assertThatThrownBy(() -> o.agents().add(LEAD)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void nullCollectionsMeanNone() {
    NodeHost.Options o = new NodeHost.Options(null, null, null, null, null);
    assertThat(o).isEqualTo(NodeHost.Options.defaults());
  }
}
