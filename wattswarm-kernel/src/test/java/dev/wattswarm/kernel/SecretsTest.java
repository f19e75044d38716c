package dev.wattswarm.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wattswarm.kernel.json.CanonicalJson;
import org.junit.jupiter.api.Test;

/** Text for people never carries a credential, and JSON errors point at the problem, not at the parser. */
class SecretsTest {
  @Test
  void urlPasswordsParametersAndBearerTokensAreMasked() {
    assertThat(Secrets.redact("cannot reach postgres://ws:s3cret@db:5432/w now")).isEqualTo("cannot reach postgres://ws:***@db:5432/w now");
    assertThat(Secrets.redact("jdbc:postgresql://db/w?user=ws&password=s3cret&x=1")).doesNotContain("s3cret").contains("user=ws");
    assertThat(Secrets.redact("Authorization: Bearer abcdefghijkl")).doesNotContain("abcdefghijkl");
    assertThat(Secrets.redact("no secrets at 127.0.0.1:5432")).isEqualTo("no secrets at 127.0.0.1:5432");
  }

  @Test
  void malformedJsonNamesLineAndColumnOnly() {
    assertThatThrownBy(() -> CanonicalJson.parse("{\"a\": 1,\n \"b\": }"))
        .hasMessageStartingWith("malformed JSON at line 2, column")
        .hasMessageNotContaining("Source").hasMessageNotContaining("REDACTED");
    assertThatThrownBy(() -> CanonicalJson.parse("{\"task_id\": \"x\", "))
        .hasMessageContaining("ends too early").hasMessageNotContaining("column: 1]").hasMessageNotContaining("StreamReadFeature");
  }
}
