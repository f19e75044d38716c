package dev.wattswarm.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.json.CanonicalJson;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules brain reports each finding once, however many of its capabilities see it. */
class RulesResponderTest {
  @Test
  void overlappingCapabilitiesDoNotDuplicateAFinding() {
    AgentSpec sec = new AgentSpec("sec", Role.SPECIALIST, new LinkedHashSet<>(List.of("security", "audit")), "", 2, "rules");
    var reply = new RulesResponder().respond(sec, "someone", CanonicalJson.parse("{\"code\":\"eval(input())\"}"));
    assertThat(reply.path("findings")).hasSize(1);
    assertThat(reply.path("findings").get(0).asText()).isEqualTo("security: eval on untrusted input");
    assertThat(reply.path("summary").asText()).isEqualTo("1 finding(s)");
  }
}
