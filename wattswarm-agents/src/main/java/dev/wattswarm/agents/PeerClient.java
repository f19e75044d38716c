package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * One agent's view of the swarm, after JarvisCore's PeerClient: find peers by role or capability,
 * ask them (with a timeout), tell them, broadcast to them. Same-node messages stay in memory;
 * others travel over the substrate.
 */
public final class PeerClient {
  private final AgentRuntime runtime;
  private final LocalAgent me;

  PeerClient(AgentRuntime runtime, LocalAgent me) {
    this.runtime = runtime;
    this.me = me;
  }

  public String myId() {
    return me.id();
  }

  public Role myRole() {
    return me.spec().role();
  }

  /** The first fit agent with this role, other than me. */
  public Optional<AgentRecord> getPeer(Role role) {
    return discoverOne(role.wire(), Strategy.FIRST);
  }

  /** Every agent (other than me) with this role or capability. */
  public List<AgentRecord> discover(String roleOrCapability) {
    List<AgentRecord> out = new ArrayList<>();
    for (AgentRecord a : runtime.registry().matching(roleOrCapability)) if (!a.agentId().equals(me.id())) out.add(a);
    return out;
  }

  public Optional<AgentRecord> discoverOne(String roleOrCapability, Strategy strategy) {
    return runtime.registry().choose(discover(roleOrCapability), strategy, me.id());
  }

  /** Roles present in the swarm, excluding mine. */
  public List<String> listRoles() {
    TreeSet<String> roles = new TreeSet<>();
    for (AgentRecord a : runtime.registry().all()) if (a.role() != me.spec().role()) roles.add(a.role().wire());
    return List.copyOf(roles);
  }

  /** Every other agent, local and remote. */
  public List<AgentRecord> listPeers() {
    List<AgentRecord> out = new ArrayList<>(runtime.registry().all());
    out.removeIf(a -> a.agentId().equals(me.id()));
    return out;
  }

  public List<AgentRecord> registry() {
    return runtime.registry().all();
  }

  /** @throws AgentException NO_SUCH_AGENT, QUEUE_FULL, TIMEOUT or FAILED, each saying what happened */
  public AgentRuntime.Reply request(String target, JsonNode body, long timeoutMs) {
    return runtime.request(me, target, body, Strategy.LEAST_RECENT, timeoutMs);
  }

  public AgentRuntime.Reply request(String target, JsonNode body, Strategy strategy, long timeoutMs) {
    return runtime.request(me, target, body, strategy, timeoutMs);
  }

  /** Fire and forget; false when no agent fits. */
  public boolean notify(String target, JsonNode body) {
    return runtime.notify(me, target, body);
  }

  /** @return how many agents were sent the message */
  public int broadcast(String roleOrCapability, JsonNode body) {
    return runtime.broadcast(me, roleOrCapability, body);
  }

  /** The next notification or broadcast sent to this agent, waiting up to {@code timeoutMs}; empty if none came. */
  public Optional<Message> receive(long timeoutMs) throws InterruptedException {
    return Optional.ofNullable(me.take(timeoutMs));
  }

  /** Answers a request received with {@link #receive}; the asker's request completes with {@code reply}. */
  public void respond(Message request, JsonNode reply) {
    if (!request.expectsReply()) throw new IllegalArgumentException("that message was a notification; there is nobody waiting for a reply");
    if (!request.replyTo().complete(reply)) runtime.lateReply();
  }

  /**
   * Starts a request without waiting; {@link #checkInbox} returns its reply once there.
   *
   * @throws AgentException QUEUE_FULL when this agent (or the node) already holds too many unread replies
   */
  public String askAsync(String target, JsonNode body, long timeoutMs) {
    return runtime.askAsync(me, target, body, timeoutMs);
  }

  /**
   * The reply to an ask-async request if it has arrived (and forgets it); empty while pending.
   *
   * @throws AgentException when the request failed; NO_SUCH_AGENT for an unknown request id
   */
  public Optional<AgentRuntime.Reply> checkInbox(String requestId) {
    var f = runtime.asked(me, requestId);
    if (f == null) throw new AgentException(AgentException.Kind.NO_SUCH_AGENT, "no pending request " + requestId + " (never made, already read, or expired unread)");
    if (!f.isDone()) return Optional.empty();
    runtime.forgetAsked(requestId);
    try {
      return Optional.of(f.join());
    } catch (java.util.concurrent.CancellationException e) {
      throw new AgentException(AgentException.Kind.TIMEOUT, "request " + requestId + " expired unread");
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof AgentException ae) throw ae;
      throw new AgentException(AgentException.Kind.FAILED, String.valueOf(e.getCause()));
    }
  }

  /** Records use of a peer, for least_recent selection. */
  public void recordUsage(String agentId) {
    runtime.registry().used(agentId, System.currentTimeMillis());
  }
}
