package dev.wattswarm.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** agents.json: agents with a model brain answer through it; bad entries are named. */
class AgentsFileTest {
  @TempDir Path dir;

  @Test
  void anAgentWithAnOllamaBrainAnswersThroughTheModel() throws Exception {
    HttpServer ollama = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    ollama.createContext("/api/chat", ex -> {
      String req = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String content = req.contains("security") ? "eval() on user input is dangerous" : "?";
      byte[] b = ("{\"model\":\"llama3\",\"message\":{\"role\":\"assistant\",\"content\":\"" + content
          + "\"},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":12,\"eval_count\":7}").getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    ollama.start();
    try {
      Files.writeString(dir.resolve(AgentsFile.FILE), "{\"agents\":[{\"name\":\"sec\",\"role\":\"specialist\",\"capabilities\":[\"security\"],"
          + "\"brain\":{\"kind\":\"ollama\",\"base_url\":\"http://127.0.0.1:" + ollama.getAddress().getPort() + "\",\"model\":\"llama3\"}},"
          + "{\"name\":\"plain\",\"role\":\"worker\"}]}");
      AgentsFile.Loaded loaded = AgentsFile.load(dir);
      assertThat(loaded.specs()).extracting(AgentSpec::name).containsExactly("sec", "plain");
      assertThat(loaded.responders()).containsOnlyKeys("sec");
      var reply = loaded.responders().get("sec").respond(loaded.specs().get(0), "", CanonicalJson.parse("{\"code\":\"eval(x)\"}"));
      assertThat(reply.path("answer").asText()).contains("dangerous");
      assertThat(reply.path("model").asText()).isEqualTo("llama3");
    } finally {
      ollama.stop(0);
    }
  }

  @Test
  void badEntriesAreNamed() throws Exception {
    Files.writeString(dir.resolve(AgentsFile.FILE), "{\"agents\":[{\"name\":\"ok\",\"role\":\"worker\"},{\"name\":\"x\",\"role\":\"wizard\"}]}");
    assertThatThrownBy(() -> AgentsFile.load(dir)).hasMessageContaining("agents[1]").hasMessageContaining("wizard");
    Files.writeString(dir.resolve(AgentsFile.FILE), "{\"agents\":[");
    assertThatThrownBy(() -> AgentsFile.load(dir)).hasMessageContaining("not valid JSON");
    Files.writeString(dir.resolve(AgentsFile.FILE), "{\"agents\":[{\"name\":\"b\",\"brain\":{\"kind\":\"ollama\",\"base_url\":\"ftp://x\",\"model\":\"m\"}}]}");
    assertThatThrownBy(() -> AgentsFile.load(dir)).hasMessageContaining("agents[0].brain");
  }
}
