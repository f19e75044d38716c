package dev.wattswarm.node.brain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.kernel.json.CanonicalJson;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** doctor(): reachable, model present, key accepted, or what is wrong and what to do. */
class BrainDoctorTest {
  static final String TAGS = """
      {"models":[{"name":"llama3:latest","model":"llama3:latest","modified_at":"2024-05-01T10:00:00Z","size":4661224676,\
      "digest":"365c0bd3c000","details":{"format":"gguf","family":"llama","parameter_size":"8.0B"}},\
      {"name":"qwen2.5:7b","model":"qwen2.5:7b","size":4683087332,"digest":"845dbda0ea48"}]}""";
  static final String MODELS = """
      {"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1721172741,"owned_by":"system"},\
      {"id":"gpt-4o","object":"model","created":1715367049,"owned_by":"system"}]}""";
  static final Function<String, String> ENV = Map.of("WS_KEY", "sk-good")::get;

  FakeServer server;

  @BeforeEach
  void start() throws Exception {
    server = new FakeServer();
    server.on("/api/tags", (ex, n) -> FakeServer.json(ex, 200, TAGS));
    server.on("/v1/models", (ex, n) -> {
      if ("Bearer sk-good".equals(ex.getRequestHeaders().getFirst("Authorization"))) FakeServer.json(ex, 200, MODELS);
      else FakeServer.json(ex, 401, "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\","
          + "\"code\":\"invalid_api_key\"}}");
    });
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void ollamaWithThePulledModelIsOkEvenWithoutTheLatestTag() {
    Diagnosis d = BrainDoctor.diagnose(BrainConfig.ollama(server.base(), "llama3"), ENV);

    assertThat(d.ok()).as(d.render()).isTrue();
    assertThat(d.render()).contains(server.base(), "model 'llama3' is pulled");
    assertThat(BrainDoctor.diagnose(BrainConfig.ollama(server.base(), "qwen2.5:7b"), ENV).ok()).isTrue();
  }

  @Test
  void ollamaWithoutTheModelSaysToPullIt() {
    Diagnosis d = BrainDoctor.diagnose(BrainConfig.ollama(server.base(), "mistral"), ENV);

    assertThat(d.ok()).isFalse();
    assertThat(d.render()).contains("[fail] model 'mistral' is not pulled", "llama3:latest, qwen2.5:7b", "ollama pull mistral");
  }

  @Test
  void ollamaUnreachableSaysToStartIt() {
    String base = server.base();
    server.close();

    Diagnosis d = BrainDoctor.diagnose(BrainConfig.ollama(base, "llama3"), ENV);

    assertThat(d.ok()).isFalse();
    assertThat(d.render()).contains("[fail]", base + "/api/tags", "connection refused", "ollama serve");
  }

  @Test
  void somethingElseAtTheOllamaUrlIsNotMistakenForOllama() {
    server.on("/api/tags", (ex, n) -> FakeServer.json(ex, 200, "{\"status\":\"ok\"}"));

    Diagnosis d = BrainDoctor.diagnose(BrainConfig.ollama(server.base(), "llama3"), ENV);

    assertThat(d.ok()).isFalse();
    assertThat(d.render()).contains("without a \"models\" list");
  }

  @Test
  void openAiWithAGoodKeyAndAListedModelIsOk() {
    Diagnosis d = BrainDoctor.diagnose(BrainConfig.openAiCompatible(server.base() + "/v1", "gpt-4o-mini", "WS_KEY"), ENV);

    assertThat(d.ok()).as(d.render()).isTrue();
    assertThat(d.render()).contains("[ok] an API key is set in $WS_KEY", "accepts the key", "model 'gpt-4o-mini' is listed");
    assertThat(d.render()).doesNotContain("sk-good");
  }

  @Test
  void openAiWithAnUnlistedModelSaysWhichExist() {
    Diagnosis d = BrainDoctor.diagnose(BrainConfig.openAiCompatible(server.base() + "/v1", "gpt-9", "WS_KEY"), ENV);

    assertThat(d.ok()).isFalse();
    assertThat(d.render()).contains("[fail] model 'gpt-9' is not among the 2 models", "gpt-4o-mini, gpt-4o");
  }

  @Test
  void openAiWithARejectedKeySaysSo() {
    Diagnosis d = BrainDoctor.diagnose(BrainConfig.openAiCompatible(server.base() + "/v1", "gpt-4o-mini", "WS_KEY"),
        Map.of("WS_KEY", "sk-bad")::get);

    assertThat(d.ok()).isFalse();
    assertThat(d.render()).contains("HTTP 401", "Incorrect API key provided", "$WS_KEY");
  }

  @Test
  void openAiWithAnUnsetKeyVariableNamesIt() {
    String unset = "WATTSWARM_TEST_UNSET_KEY_9F3C2A";
    assertThat(System.getenv(unset)).as("precondition: the variable must be unset").isNull();

    Diagnosis d = BrainDoctor.diagnose(BrainConfig.openAiCompatible(server.base() + "/v1", "gpt-4o-mini", unset));

    assertThat(d.ok()).isFalse();
    assertThat(d.render()).contains("export " + unset);
  }

  @Test
  void openAiUnreachableSaysSo() {
    String base = server.base();
    server.close();

    Diagnosis d = BrainDoctor.diagnose(BrainConfig.openAiCompatible(base + "/v1", "gpt-4o-mini", "WS_KEY"), ENV);

    assertThat(d.ok()).isFalse();
    assertThat(d.render()).contains(base + "/v1/models", "connection refused");
  }

  @Test
  void aBadConfigEntryIsAFailedDiagnosisNamingTheField() {
    Diagnosis d = BrainDoctor.diagnose(CanonicalJson.parse("{\"kind\":\"ollama\",\"base_url\":\"localhost:11434\",\"model\":\"x\"}"),
        "executors[1]", ENV);

    assertThat(d.ok()).isFalse();
    assertThat(d.render()).contains("executors[1].base_url must be an http(s) URL");
  }

  @Test
  void rulesIsAlwaysOk() {
    Diagnosis d = BrainDoctor.diagnose(BrainConfig.rules(), ENV);

    assertThat(d.ok()).isTrue();
    assertThat(d.lines()).hasSize(2);
  }
}
