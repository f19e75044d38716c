package dev.wattswarm.node.brain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wattswarm.kernel.json.CanonicalJson;
import org.junit.jupiter.api.Test;

/** Config validation: every mistake names its field and says what it must be. */
class BrainConfigTest {
  static BrainConfig parse(String json) {
    return BrainConfig.fromJson(CanonicalJson.parse(json), "executors[2]");
  }

  static void rejects(String json, String message) {
    assertThatThrownBy(() -> parse(json)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  @Test
  void readsEveryFieldAndStripsTheTrailingSlash() {
    BrainConfig c = parse("""
        {"kind":"openai-compatible","base_url":"https://api.example.com/v1/","model":"gpt-4o-mini","api_key_env":"OPENAI_API_KEY",\
        "timeout_ms":5000,"max_retries":4,"temperature":0.7}""");

    assertThat(c).isEqualTo(new BrainConfig(BrainConfig.Kind.OPENAI_COMPATIBLE, "https://api.example.com/v1", "gpt-4o-mini",
        "OPENAI_API_KEY", 5000, 4, 0.7));
  }

  @Test
  void fillsDefaults() {
    BrainConfig c = parse("{\"kind\":\"ollama\",\"model\":\"llama3\"}");

    assertThat(c.baseUrl()).isEqualTo(BrainConfig.OLLAMA_DEFAULT_URL);
    assertThat(c.timeoutMs()).isEqualTo(60_000);
    assertThat(c.maxRetries()).isEqualTo(2);
    assertThat(c.temperature()).isZero();
    assertThat(c.apiKeyEnv()).isNull();
    assertThat(parse("{\"kind\":\"rules\"}").kind()).isEqualTo(BrainConfig.Kind.RULES);
  }

  @Test
  void namesTheKind() {
    rejects("{\"model\":\"m\"}", "executors[2].kind must be one of rules, ollama, openai-compatible");
    rejects("{\"kind\":\"gpt\",\"model\":\"m\"}", "executors[2].kind must be one of");
  }

  @Test
  void namesTheBaseUrl() {
    rejects("{\"kind\":\"openai-compatible\",\"model\":\"m\"}", "executors[2].base_url must be an http(s) URL");
    rejects("{\"kind\":\"ollama\",\"base_url\":\"ftp://host\",\"model\":\"m\"}", "executors[2].base_url must be an http(s) URL");
    rejects("{\"kind\":\"ollama\",\"base_url\":\"http://h:11434/v1\",\"model\":\"m\"}", "executors[2].base_url ends in /v1");
    rejects("{\"kind\":\"ollama\",\"base_url\":\"http://h/?x=1\",\"model\":\"m\"}", "executors[2].base_url");
  }

  @Test
  void namesTheModel() {
    rejects("{\"kind\":\"ollama\"}", "executors[2].model is required");
    rejects("{\"kind\":\"openai-compatible\",\"base_url\":\"http://h/v1\",\"model\":\"  \"}", "executors[2].model is required");
  }

  @Test
  void keepsKeysOutOfConfig() {
    rejects("{\"kind\":\"openai-compatible\",\"base_url\":\"http://h/v1\",\"model\":\"m\",\"api_key_env\":\"sk-abc123\"}",
        "executors[2].api_key_env must be the name of an environment variable");
    rejects("{\"kind\":\"openai-compatible\",\"base_url\":\"http://h/v1\",\"model\":\"m\",\"api_key\":\"sk-abc123\"}",
        "executors[2].api_key: keys never go in config");
  }

  @Test
  void namesTheNumbers() {
    rejects("{\"kind\":\"ollama\",\"model\":\"m\",\"timeout_ms\":0}", "executors[2].timeout_ms must be a whole number 1-3600000");
    rejects("{\"kind\":\"ollama\",\"model\":\"m\",\"timeout_ms\":\"60s\"}", "executors[2].timeout_ms");
    rejects("{\"kind\":\"ollama\",\"model\":\"m\",\"max_retries\":11}", "executors[2].max_retries must be a whole number 0-10");
    rejects("{\"kind\":\"ollama\",\"model\":\"m\",\"temperature\":2.5}", "executors[2].temperature must be a number 0-2");
  }
}
