package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.brain.Brain;
import dev.wattswarm.node.brain.BrainReply;
import dev.wattswarm.node.brain.BrainRequest;

/** An agent whose answers come from a model (Ollama or OpenAI-compatible). */
public final class BrainResponder implements Responder {
  private final Brain brain;
  private final int maxTokens;

  public BrainResponder(Brain brain, int maxTokens) {
    this.brain = brain;
    this.maxTokens = maxTokens;
  }

  @Override
  public JsonNode respond(AgentSpec self, String from, JsonNode body) {
    String system = "You are " + self.name() + ", a " + self.role().wire() + " agent in a swarm"
        + (self.capabilities().isEmpty() ? "" : ", responsible for: " + String.join(", ", self.capabilities())) + ". "
        + self.description() + " Answer the message concisely.";
    String prompt = body.isTextual() ? body.asText() : CanonicalJson.encodeString(body);
    BrainReply r = brain.complete(new BrainRequest(system, prompt, 0.0, maxTokens));
    ObjectNode o = CanonicalJson.object();
    o.put("agent", self.name()).put("role", self.role().wire()).put("answer", r.text().trim()).put("model", r.model());
    return o;
  }
}
