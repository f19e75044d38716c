package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;

/**
 * For agents written as loops (JarvisCore style): a request is put in the agent's inbox with its
 * context, the agent picks it up with {@link PeerClient#receive} and answers with
 * {@link PeerClient#respond}; the sender's request completes with that answer.
 */
public final class InboxResponder implements Responder {
  private final java.util.function.Function<String, LocalAgent> agents;
  private final java.time.Clock clock;

  InboxResponder(java.util.function.Function<String, LocalAgent> agents, java.time.Clock clock) {
    this.agents = agents;
    this.clock = clock;
  }

  @Override
  public JsonNode respond(AgentSpec self, String from, JsonNode body) throws Exception {
    return respond(self, from, body, Context.empty()).body();
  }

  @Override
  public Answer respond(AgentSpec self, String from, JsonNode body, ObjectNode context) throws Exception {
    CompletableFuture<Answer> reply = new CompletableFuture<>();
    LocalAgent me = agents.apply(self.name());
    if (!me.deliver(new Message(from, "", body, context, clock.millis(), reply))) {
      throw new AgentException(AgentException.Kind.QUEUE_FULL, "inbox of " + self.name() + " is full");
    }
    try {
      return reply.get(); // the caller's timeout interrupts this wait
    } catch (InterruptedException e) {
      // the asker gave up: a later respond() then finds the reply unwanted and counts it as late
      reply.cancel(false);
      throw e;
    }
  }
}
