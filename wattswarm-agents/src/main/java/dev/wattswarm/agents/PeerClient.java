package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * One agent's view of the swarm, JarvisCore's PeerClient in Java names (docs/agents.md maps them):
 * find peers by role or capability with a strategy, ask them (with a timeout), tell them, broadcast
 * to them, read the inbox. Same-node messages stay in memory; others travel over the substrate in
 * envelopes the agent signs. A {@code context} (a JSON object, at most {@link Context#MAX_BYTES})
 * travels with every message and comes back with its reply.
 */
public final class PeerClient {
  /** JarvisCore's default request timeout (30 s). */
  public static final long REQUEST_TIMEOUT_MS = 30_000;
  /** JarvisCore's default ask_async lifetime (120 s). */
  public static final long ASK_ASYNC_TIMEOUT_MS = 120_000;

  private final AgentRuntime runtime;
  private final LocalAgent me;
  private final PeerSelection selection;

  PeerClient(AgentRuntime runtime, LocalAgent me, PeerSelection selection) {
    this.runtime = runtime;
    this.me = me;
    this.selection = selection;
  }

  public String myId() {
    return me.id();
  }

  public Role myRole() {
    return me.spec().role();
  }

  // ---- discovery ----

  /** The first agent (in discovery order, other than me) with this role, or empty. */
  public Optional<AgentRecord> getPeer(Role role) {
    return discoverOne(role, null, Strategy.FIRST);
  }

  /**
   * Every other agent with {@code role} and {@code capability} (either may be null: no filter on it),
   * ordered by {@code strategy} (see {@link PeerSelection}). Discovery order is this node's agents as
   * declared, then other nodes' by node id, each node's in the order it announced them.
   */
  public List<AgentRecord> discover(Role role, String capability, Strategy strategy) {
    List<AgentRecord> found = new ArrayList<>();
    for (AgentRecord a : others()) {
      if ((role == null || a.role() == role) && (capability == null || a.capabilities().contains(capability))) found.add(a);
    }
    String filter = (role == null ? "*" : role.wire()) + "|" + (capability == null ? "*" : capability);
    return selection.order(found, strategy == null ? Strategy.FIRST : strategy, filter);
  }

  public List<AgentRecord> discover(Role role, String capability) {
    return discover(role, capability, Strategy.FIRST);
  }

  /** Every other agent whose role or capability is {@code roleOrCapability}, or whose id or name it is; discovery order. */
  public List<AgentRecord> discover(String roleOrCapability) {
    List<AgentRecord> out = new ArrayList<>();
    for (AgentRecord a : others()) {
      if (a.agentId().equals(roleOrCapability) || a.name().equals(roleOrCapability) || a.role().wire().equals(roleOrCapability)
          || a.capabilities().contains(roleOrCapability)) {
        out.add(a);
      }
    }
    return out;
  }

  /** The first of {@link #discover(Role, String, Strategy)}, or empty. */
  public Optional<AgentRecord> discoverOne(Role role, String capability, Strategy strategy) {
    return discover(role, capability, strategy).stream().findFirst();
  }

  /** One agent for a role or capability, by strategy. */
  public Optional<AgentRecord> discoverOne(String roleOrCapability, Strategy strategy) {
    return selection.order(discover(roleOrCapability), strategy, "~" + roleOrCapability).stream().findFirst();
  }

  /** Roles present in the swarm, excluding mine, sorted. */
  public List<String> listRoles() {
    TreeSet<String> roles = new TreeSet<>();
    for (AgentRecord a : runtime.registry().all()) if (a.role() != me.spec().role()) roles.add(a.role().wire());
    return List.copyOf(roles);
  }

  /** Every other agent, local and remote, with its status and location; discovery order. */
  public List<PeerInfo> listPeers() {
    return others().stream().map(a -> PeerInfo.of(a, runtime.localNodeId())).toList();
  }

  /** The whole registry (me included), agent id -> peer, read-only. */
  public Map<String, PeerInfo> registry() {
    Map<String, PeerInfo> out = new LinkedHashMap<>();
    for (AgentRecord a : ordered(runtime.registry().all())) out.put(a.agentId(), PeerInfo.of(a, runtime.localNodeId()));
    return Collections.unmodifiableMap(out);
  }

  /** Notes that I just used {@code agentId}, for {@link Strategy#LEAST_RECENT} (the node's clock stamps it). */
  public void recordPeerUsage(String agentId) {
    selection.used(agentId, runtime.registry().all().stream().map(AgentRecord::agentId).collect(Collectors.toSet()));
    runtime.registry().used(agentId, runtime.clock().millis());
  }

  /** @deprecated the old name of {@link #recordPeerUsage} */
  @Deprecated
  public void recordUsage(String agentId) {
    recordPeerUsage(agentId);
  }

  // ---- messaging ----

  /** {@link #request(String, JsonNode, long, JsonNode)} with the 30 s default and no context. */
  public AgentRuntime.Reply request(String target, JsonNode body) {
    return request(target, body, REQUEST_TIMEOUT_MS, null);
  }

  public AgentRuntime.Reply request(String target, JsonNode body, long timeoutMs) {
    return request(target, body, timeoutMs, null);
  }

  /**
   * Sends {@code body} with {@code context} to one agent fit for {@code target} (role, capability,
   * name or agent id) and waits up to {@code timeoutMs} for its reply, which carries the context back.
   *
   * @throws AgentException NO_SUCH_AGENT, QUEUE_FULL, TIMEOUT, FAILED or BAD_MESSAGE, each saying what happened
   */
  public AgentRuntime.Reply request(String target, JsonNode body, long timeoutMs, JsonNode context) {
    return runtime.request(me, target, body, Context.of(context), Strategy.LEAST_RECENT, timeoutMs);
  }

  public AgentRuntime.Reply request(String target, JsonNode body, Strategy strategy, long timeoutMs) {
    return runtime.request(me, target, body, Context.empty(), strategy, timeoutMs);
  }

  /** Fire and forget; false when no agent fits. */
  public boolean notify(String target, JsonNode body) {
    return notify(target, body, null);
  }

  public boolean notify(String target, JsonNode body, JsonNode context) {
    return runtime.notify(me, target, body, Context.of(context));
  }

  /** To every other agent in the swarm; returns how many were sent it. */
  public int broadcast(JsonNode body, JsonNode context) {
    return runtime.broadcast(me, others(), body, Context.of(context));
  }

  /** To every other agent fit for {@code roleOrCapability}; returns how many were sent it. */
  public int broadcast(String roleOrCapability, JsonNode body) {
    return broadcast(roleOrCapability, body, null);
  }

  public int broadcast(String roleOrCapability, JsonNode body, JsonNode context) {
    return runtime.broadcast(me, discover(roleOrCapability), body, Context.of(context));
  }

  /** The next message for this agent, waiting up to {@code timeoutMs} (0: do not wait); empty if none came. */
  public Optional<Message> receive(long timeoutMs) throws InterruptedException {
    return Optional.ofNullable(me.take(timeoutMs));
  }

  /** Answers a request received with {@link #receive}, sending its context back unchanged. */
  public void respond(Message request, JsonNode reply) {
    respond(request, reply, null);
  }

  /** Answers a request with {@code context} instead of the request's (null: the request's). */
  public void respond(Message request, JsonNode reply, JsonNode context) {
    if (!request.expectsReply()) throw new IllegalArgumentException("that message was a notification; there is nobody waiting for a reply");
    ObjectNode back = context == null ? request.context() : Context.of(context);
    if (!request.replyTo().complete(new Answer(reply, back))) runtime.lateReply();
  }

  // ---- async requests ----

  /** {@link #askAsync(String, JsonNode, long, JsonNode)} with the 120 s default and no context. */
  public String askAsync(String target, JsonNode body) {
    return askAsync(target, body, ASK_ASYNC_TIMEOUT_MS, null);
  }

  public String askAsync(String target, JsonNode body, long timeoutMs) {
    return askAsync(target, body, timeoutMs, null);
  }

  /**
   * Starts a request without waiting and returns its id; {@link #checkInbox} returns its reply once there.
   *
   * @throws AgentException NO_SUCH_AGENT at once when no agent fits {@code target}; QUEUE_FULL when this
   *     agent (or the node) already holds too many unread replies
   */
  public String askAsync(String target, JsonNode body, long timeoutMs, JsonNode context) {
    return runtime.askAsync(me, target, body, Context.of(context), timeoutMs);
  }

  /** The reply if it has arrived (and forgets it); empty while pending. */
  public Optional<AgentRuntime.Reply> checkInbox(String requestId) {
    return checkInbox(requestId, 0, true);
  }

  /**
   * The reply to an ask-async request, waiting up to {@code timeoutMs} for it; empty if it has not come.
   *
   * @param remove forget the reply once read (false: a later call returns it again)
   * @throws AgentException when the request failed; NO_SUCH_AGENT for an id that is not (or no longer) pending
   */
  public Optional<AgentRuntime.Reply> checkInbox(String requestId, long timeoutMs, boolean remove) {
    CompletableFuture<AgentRuntime.Reply> f = runtime.asked(me, requestId);
    if (f == null) throw new AgentException(AgentException.Kind.NO_SUCH_AGENT, "no pending request " + requestId + " (never made, already read, or expired unread)");
    try {
      AgentRuntime.Reply r = timeoutMs <= 0 ? (f.isDone() ? f.join() : null) : f.get(timeoutMs, TimeUnit.MILLISECONDS);
      if (r != null && remove) runtime.forgetAsked(requestId);
      return Optional.ofNullable(r);
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (CancellationException e) {
      runtime.forgetAsked(requestId);
      throw new AgentException(AgentException.Kind.TIMEOUT, "request " + requestId + " expired unread");
    } catch (CompletionException | ExecutionException e) {
      if (remove) runtime.forgetAsked(requestId);
      if (e.getCause() instanceof AgentException ae) throw ae;
      throw new AgentException(AgentException.Kind.FAILED, String.valueOf(e.getCause()));
    }
  }

  /** Everyone but me, in discovery order. */
  private List<AgentRecord> others() {
    List<AgentRecord> out = ordered(runtime.registry().all());
    out.removeIf(a -> a.agentId().equals(me.id()));
    return out;
  }

  /** Discovery order: local agents as declared, then by node id (stable, so each node's own order stays). */
  private List<AgentRecord> ordered(List<AgentRecord> all) {
    String local = runtime.localNodeId();
    List<AgentRecord> out = new ArrayList<>(all);
    out.sort(Comparator.comparing((AgentRecord a) -> !a.nodeId().equals(local)).thenComparing(a -> a.nodeId().equals(local) ? "" : a.nodeId()));
    return out;
  }
}
