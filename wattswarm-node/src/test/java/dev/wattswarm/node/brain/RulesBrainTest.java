package dev.wattswarm.node.brain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The offline brain: deterministic answers, and a verifier that recognises them. */
class RulesBrainTest {
  final RulesBrain brain = new RulesBrain("r");

  @Test
  void answersWithThePrefixAndTheStartOfThePrompt() {
    assertThat(brain.complete(BrainRequest.of("capital of France?")).text()).isEqualTo("rules: capital of France?");
    String longPrompt = "x".repeat(250);
    assertThat(brain.complete(BrainRequest.of(longPrompt)).text()).isEqualTo("rules: " + "x".repeat(200));
    assertThat(brain.complete(BrainRequest.of("same"))).isEqualTo(brain.complete(BrainRequest.of("same")));
  }

  @Test
  void streamsWordByWordAndTheWordsMakeTheReply() {
    List<String> tokens = new ArrayList<>();

    BrainReply r = brain.stream(BrainRequest.of("one two  three"), tokens::add);

    assertThat(tokens).containsExactly("rules: ", "one ", "two  ", "three");
    assertThat(String.join("", tokens)).isEqualTo(r.text());
    assertThat(r.completionTokens()).isEqualTo(4);
  }

  @Test
  void doctorIsAlwaysOk() {
    assertThat(brain.doctor().ok()).isTrue();
  }
}
