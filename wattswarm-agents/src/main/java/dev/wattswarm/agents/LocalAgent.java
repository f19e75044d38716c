package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.identity.KeyPair;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An agent running on this node: its own key, its spec, and a bounded queue: up to
 * {@code maxConcurrent} messages are worked on and as many again may wait; beyond that a message
 * is refused visibly (QUEUE_FULL), never dropped in silence.
 */
public final class LocalAgent {
  private final AgentSpec spec;
  private final KeyPair key;
  private final Responder responder;
  private final Semaphore working;
  private final AtomicInteger admitted = new AtomicInteger();
  /** Notifications and broadcasts, read with {@link PeerClient#receive}; bounded, refusing when full. */
  private final java.util.concurrent.BlockingQueue<Message> inbox;
  /** This agent's own discovery state (round-robin positions, peer usage): JarvisCore keeps it per agent. */
  private PeerSelection selection;

  synchronized PeerSelection selection(java.util.function.Supplier<PeerSelection> make) {
    if (selection == null) selection = make.get();
    return selection;
  }

  boolean deliver(Message m) {
    return inbox.offer(m);
  }

  Message take(long timeoutMs) throws InterruptedException {
    return inbox.poll(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  LocalAgent(AgentSpec spec, KeyPair key, Responder responder, int inboxCapacity) {
    this.inbox = new java.util.concurrent.ArrayBlockingQueue<>(inboxCapacity);
    this.spec = spec;
    this.key = key;
    this.responder = responder;
    this.working = new Semaphore(spec.maxConcurrent(), true);
  }

  public AgentSpec spec() {
    return spec;
  }

  /** Signs this agent's messages, replies and announcement entries, and what moves the agent's WATT. */
  public KeyPair key() {
    return key;
  }

  public String id() {
    return key.id().toString();
  }

  /** Whether this agent's brain may block answering {@code body} (see {@link Responder#blocking}). */
  boolean blocking(JsonNode body) {
    return responder.blocking(body);
  }

  /** Messages admitted and not yet answered. */
  public int load() {
    return admitted.get();
  }

  /** Handles one message on the caller's (virtual) thread. */
  JsonNode handle(String from, JsonNode body) {
    return handle(from, body, Context.empty()).body();
  }

  /** Handles one message with its context; the answer carries the context to send back. */
  Answer handle(String from, JsonNode body, com.fasterxml.jackson.databind.node.ObjectNode context) {
    return handle(from, body, context, false);
  }

  /** Takes a working slot if one is free now, for a thread that must not wait for one; give it back with {@link #releaseSlot}. */
  boolean trySlot() {
    return working.tryAcquire();
  }

  void releaseSlot() {
    working.release();
  }

  /** @param slotHeld the caller already holds a working slot ({@link #trySlot}) and gives it back itself */
  Answer handle(String from, JsonNode body, com.fasterxml.jackson.databind.node.ObjectNode context, boolean slotHeld) {
    if (admitted.incrementAndGet() > 2 * spec.maxConcurrent()) {
      admitted.decrementAndGet();
      throw new AgentException(AgentException.Kind.QUEUE_FULL, "agent " + spec.name() + " is full ("
          + spec.maxConcurrent() + " working, " + spec.maxConcurrent() + " queued); retry later or pick another agent");
    }
    try {
      if (!slotHeld) working.acquireUninterruptibly();
      try {
        Answer answer = responder.respond(spec, from, body, context);
        return answer.context() == null ? new Answer(answer.body(), context) : answer;
      } finally {
        if (!slotHeld) working.release();
      }
    } catch (AgentException e) {
      throw e;
    } catch (Exception e) {
      throw new AgentException(AgentException.Kind.FAILED, "agent " + spec.name() + " failed: " + e.getMessage());
    } finally {
      admitted.decrementAndGet();
    }
  }
}
