package dev.wattswarm.node.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wattswarm.kernel.json.CanonicalJson;
import org.junit.jupiter.api.Test;

/** {@code "agent"} in executors.json: whose account an executor's wins are paid into. */
class ExecutorsFileAgentTest {
  static java.util.List<Executor> parse(String json) {
    return ExecutorsFile.parse(CanonicalJson.parse(json), "executors.json");
  }

  @Test
  void anExecutorMayWorkForAnAgentByNameOrId() throws Exception {
    var list = parse("{\"executors\":[{\"name\":\"a\",\"capabilities\":[\"x\"],\"rules\":[{\"match\":\".*\",\"answer\":\"y\"}],\"agent\":\"translator\"},"
        + "{\"name\":\"b\",\"capabilities\":[\"x\"],\"rules\":[{\"match\":\".*\",\"answer\":\"y\"}]}]}");
    assertThat(list.get(0).agent()).isEqualTo("translator");
    assertThat(list.get(0).name()).isEqualTo("a");
    assertThat(list.get(0).capabilities()).containsExactly("x");
    assertThat(list.get(0).status().path("agent").asText()).isEqualTo("translator");
    assertThat(list.get(0).execute(new TaskRequest("t", "swarm", "q", CanonicalJson.object().put("prompt", "q"), "x", "fast", 1)).toString()).contains("y");
    assertThat(list.get(1).agent()).isNull();
  }

  @Test
  void aMalformedAgentIsRefusedNamingTheEntry() {
    for (String bad : new String[] {"7", "\"has space\"", "\"\"", "{}"}) {
      assertThatThrownBy(() -> parse("{\"executors\":[{\"name\":\"a\",\"rules\":[],\"agent\":" + bad + "}]}"))
          .as(bad).hasMessageContaining("executors[0].agent");
    }
  }
}
