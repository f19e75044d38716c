package dev.wattswarm.node.brain;

import static dev.wattswarm.node.brain.FakeServer.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.brain.BrainException.Kind;
import dev.wattswarm.node.task.Executor.Verdict;
import dev.wattswarm.node.task.TaskRequest;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A brain as a task executor: answering, judging, and being built from executors.json. */
class BrainExecutorTest {
  static final String OLLAMA = "/api/chat";
  static final String OPENAI = "/v1/chat/completions";

  FakeServer server;
  /** What the fake model says next. */
  final AtomicReference<String> says = new AtomicReference<>("");

  @BeforeEach
  void start() throws Exception {
    server = new FakeServer();
    server.on(OLLAMA, (ex, n) -> {
      ObjectNode r = CanonicalJson.object();
      r.put("model", "llama3:latest").put("done", true).put("done_reason", "stop").put("prompt_eval_count", 30).put("eval_count", 2);
      r.putObject("message").put("role", "assistant").put("content", says.get());
      FakeServer.json(ex, 200, CanonicalJson.encodeString(r));
    });
    server.on(OPENAI, (ex, n) -> {
      ObjectNode r = CanonicalJson.object();
      r.put("id", "chatcmpl-1").put("object", "chat.completion").put("model", "gpt-4o-mini");
      ObjectNode c = r.putArray("choices").addObject();
      c.put("index", 0).put("finish_reason", "stop");
      c.putObject("message").put("role", "assistant").put("content", says.get());
      r.putObject("usage").put("prompt_tokens", 40).put("completion_tokens", 5).put("total_tokens", 45);
      FakeServer.json(ex, 200, CanonicalJson.encodeString(r));
    });
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static TaskRequest task(String prompt) {
    return new TaskRequest("t-1", "qa", prompt, CanonicalJson.object(), "geography", "quorum", 1);
  }

  BrainExecutor fromJson(String json) {
    return BrainExecutor.fromJson(CanonicalJson.parse(json.replace("BASE", server.base())), "executors[0]", Map.of("WS_KEY", "sk-1")::get);
  }

  BrainExecutor ollamaExecutor() {
    return fromJson("{\"name\":\"llama\",\"kind\":\"ollama\",\"base_url\":\"BASE\",\"model\":\"llama3\",\"capabilities\":[\"geography\"]}");
  }

  BrainExecutor openAiExecutor() {
    return fromJson("{\"name\":\"gpt\",\"kind\":\"openai-compatible\",\"base_url\":\"BASE/v1\",\"model\":\"gpt-4o-mini\","
        + "\"api_key_env\":\"WS_KEY\",\"max_concurrent\":7,\"timeout_ms\":5000}");
  }

  @Test
  void executeAsksTheModelAndReturnsTheTrimmedAnswer() throws Exception {
    says.set("  Paris \n");

    JsonNode out = ollamaExecutor().execute(task("capital of France?"));

    assertThat(out).isEqualTo(CanonicalJson.parse("{\"answer\":\"Paris\",\"model\":\"llama3:latest\"}"));
    JsonNode sent = server.last(OLLAMA).json();
    assertThat(sent.path("messages").get(0).path("content").asText()).contains("'qa'", "'geography'");
    assertThat(sent.path("messages").get(1).path("content").asText()).isEqualTo("capital of France?");
  }

  @Test
  void executeIncludesTheTaskInputs() throws Exception {
    says.set("3");
    ObjectNode inputs = CanonicalJson.object().put("text", "a b c");

    openAiExecutor().execute(new TaskRequest("t-2", "count", "count the words", inputs, "", "single", 1));

    assertThat(server.last(OPENAI).json().path("messages").get(1).path("content").asText())
        .isEqualTo("count the words\n\nInputs (JSON): {\"text\":\"a b c\"}");
    assertThat(server.last(OPENAI).header("Authorization")).isEqualTo("Bearer sk-1");
  }

  @Test
  void verifyMapsPassFailAndAnythingElse() throws Exception {
    BrainExecutor ex = openAiExecutor();
    JsonNode candidate = CanonicalJson.parse("{\"answer\":\"Paris\",\"model\":\"llama3\"}");

    says.set("PASS Paris is the capital of France.");
    assertThat(ex.verify(task("capital of France?"), candidate)).isEqualTo(Verdict.passed("Paris is the capital of France."));
    JsonNode sent = server.last(OPENAI).json();
    assertThat(sent.path("messages").get(0).path("content").asText()).contains("Reply with exactly PASS or FAIL and one short reason");
    assertThat(sent.path("messages").get(1).path("content").asText()).contains("capital of France?", "Candidate answer:\nParis");
    assertThat(sent.path("temperature").asDouble()).isZero();

    says.set("**FAIL**: the capital is Paris, not Lyon");
    assertThat(ex.verify(task("capital of France?"), candidate)).isEqualTo(Verdict.failed("the capital is Paris, not Lyon"));

    says.set("I think it might be right.");
    Verdict v = ex.verify(task("capital of France?"), candidate);
    assertThat(v.verdict()).isEqualTo("inconclusive");
    assertThat(v.reason()).contains("neither PASS nor FAIL", "I think it might be right.");
  }

  @Test
  void verdictParsingToleratesDecorationButNotOtherWords() {
    assertThat(BrainExecutor.verdictOf("pass").verdict()).isEqualTo("passed");
    assertThat(BrainExecutor.verdictOf("\"FAIL\" - wrong unit").reason()).isEqualTo("wrong unit");
    assertThat(BrainExecutor.verdictOf("PASSED with flying colours").verdict()).isEqualTo("inconclusive");
    assertThat(BrainExecutor.verdictOf("").verdict()).isEqualTo("inconclusive");
  }

  @Test
  void aFailingBrainFailsTheTaskWithItsMessage() {
    BrainExecutor ex = fromJson("{\"name\":\"llama\",\"kind\":\"ollama\",\"base_url\":\"BASE\",\"model\":\"nope\",\"max_retries\":0}");
    server.on(OLLAMA, (x, n) -> FakeServer.json(x, 404, "{\"error\":\"model 'nope' not found, try pulling it first\"}"));

    BrainException e = failure(() -> ex.execute(task("hi")));

    assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(e.getMessage()).contains("ollama pull nope");
  }

  @Test
  void fromJsonReadsNameCapabilitiesAndConcurrency() {
    BrainExecutor gpt = openAiExecutor();
    assertThat(gpt.name()).isEqualTo("gpt");
    assertThat(gpt.capabilities()).isEqualTo(BrainExecutor.DEFAULT_CAPABILITIES);
    assertThat(gpt.maxConcurrent()).isEqualTo(7);
    assertThat(gpt.brain()).isInstanceOf(OpenAiCompatibleBrain.class);
    BrainExecutor llama = ollamaExecutor();
    assertThat(llama.capabilities()).containsExactly("geography");
    assertThat(llama.maxConcurrent()).isEqualTo(BrainExecutor.DEFAULT_MAX_CONCURRENT);
    assertThat(llama.brain()).isInstanceOf(OllamaBrain.class);
  }

  @Test
  void fromJsonNamesTheBadField() {
    assertThatThrownBy(() -> fromJson("{\"name\":\"bad name!\",\"kind\":\"ollama\",\"model\":\"m\"}"))
        .hasMessage("executors[0].name must be 1-64 of letters, digits, '.', '_', '-'");
    assertThatThrownBy(() -> fromJson("{\"name\":\"a\",\"kind\":\"ollama\",\"model\":\"m\",\"capabilities\":\"llm\"}"))
        .hasMessageStartingWith("executors[0].capabilities must be an array");
    assertThatThrownBy(() -> fromJson("{\"name\":\"a\",\"kind\":\"ollama\",\"model\":\"m\",\"max_concurrent\":0}"))
        .hasMessage("executors[0].max_concurrent must be a whole number 1-1024");
    assertThatThrownBy(() -> fromJson("{\"name\":\"a\",\"kind\":\"openai-compatible\",\"base_url\":\"ftp://x\",\"model\":\"m\"}"))
        .hasMessageStartingWith("executors[0].base_url must be an http(s) URL");
  }

  @Test
  void aRulesBrainExecutorPassesItsOwnAnswersAndFailsOthers() throws Exception {
    BrainExecutor ex = new BrainExecutor("r", Set.of(), 1, new RulesBrain("r"), 0, 100);

    JsonNode out = ex.execute(task("capital of France?"));

    assertThat(out.path("answer").asText()).isEqualTo("rules: capital of France?");
    assertThat(ex.verify(task("capital of France?"), out).verdict()).isEqualTo("passed");
    assertThat(ex.verify(task("capital of France?"), CanonicalJson.parse("{\"answer\":\"Paris\"}")).verdict()).isEqualTo("failed");
  }
}
