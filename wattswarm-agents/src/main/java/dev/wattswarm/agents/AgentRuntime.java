package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.p2p.NetworkRuntime;
import dev.wattswarm.node.p2p.RequestRouter;
import dev.wattswarm.node.state.IdentityFile;
import dev.wattswarm.p2p.Substrate;
import dev.wattswarm.p2p.reach.UnreachableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents of one node and their way to every other agent. Each agent has its own Ed25519 key
 * (kept in {@code agents/<name>.key}) and signs what it says to other nodes (see {@link AgentWire}).
 * The node announces its agents, their load and capacity on {@code {network}.global.agents} every
 * heartbeat; other nodes' entries are forgotten when their announcements stop. Messages to agents
 * on this node are delivered in memory; to other nodes over the substrate's request/response.
 */
public final class AgentRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentRuntime.class);
  public static final int SERVICE = 10;

  /** An answer and who gave it. */
  public record Reply(String agentId, String agentName, String nodeId, String location, JsonNode body, ObjectNode context) {
    public Reply(String agentId, String agentName, String nodeId, String location, Answer answer) {
      this(agentId, agentName, nodeId, location, answer.body(), answer.context());
    }

    public ObjectNode toJson() {
      ObjectNode o = CanonicalJson.object();
      o.put("agent_id", agentId).put("agent_name", agentName).put("node_id", nodeId).put("location", location);
      o.set("reply", body);
      if (!context.isEmpty()) o.set("context", context);
      return o;
    }
  }

  private final Node node;
  private final Substrate substrate;
  private final AgentConfig config;
  private final Map<String, LocalAgent> agents = new LinkedHashMap<>();
  private final AgentCounters counters = new AgentCounters();
  private final AgentRegistry registry;
  private final AskAsync asked;
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      r -> Thread.ofPlatform().name("ws-agents").daemon(true).unstarted(r));
  private final String topic;
  private final Outbound outbound;
  private final Announcements announcements;
  private final java.util.random.RandomGenerator random;
  private Inbound inbound;

  private AgentRuntime(Node node, Substrate substrate, AgentConfig config, java.util.random.RandomGenerator random) {
    this.random = random;
    this.node = node;
    this.substrate = substrate;
    this.config = config;
    this.registry = new AgentRegistry(this::localRecords, config.nodeTimeoutMs(), config.remoteAgentsTotal(), counters);
    this.asked = new AskAsync(node.clock(), config, counters);
    this.topic = node.networkId() + ".global.agents";
    this.outbound = substrate == null ? null
        : new Outbound(node, substrate, config, new ReplayGuard(node.clock(), config.skewMs(), config.replayCacheEntries()), counters);
    this.announcements = substrate == null ? null
        : new Announcements(node, substrate, config, registry, counters, id -> localById(id) != null);
  }

  /**
   * @param network the swarm connection, or null for a node without networking (agents then see only each other)
   * @throws IllegalArgumentException when two agents share a name
   */
  public static AgentRuntime start(Node node, NetworkRuntime network, List<AgentSpec> specs, Responder responder) {
    return start(node, network, specs, s -> responder);
  }

  /** @param responders how each agent answers (its brain); timings from the node's config */
  public static AgentRuntime start(Node node, NetworkRuntime network, List<AgentSpec> specs, Function<AgentSpec, Responder> responders) {
    return start(node, network == null ? null : network.substrate(), network == null ? null : network.router(),
        AgentConfig.of(node.config()), specs, responders);
  }

  /** Over any substrate (TLS overlay, simulator); {@code substrate} and {@code router} both null for no network. */
  public static AgentRuntime start(Node node, Substrate substrate, RequestRouter router, AgentConfig config, List<AgentSpec> specs,
      Function<AgentSpec, Responder> responders) {
    return start(node, substrate, router, config, specs, responders, new SecureRandom());
  }

  /** @param random what the {@code random} discovery strategy shuffles with (tests pass a seeded one) */
  public static AgentRuntime start(Node node, Substrate substrate, RequestRouter router, AgentConfig config, List<AgentSpec> specs,
      Function<AgentSpec, Responder> responders, java.util.random.RandomGenerator random) {
    AgentRuntime rt = new AgentRuntime(node, substrate, config, random);
    Path dir = node.stateDir().file("agents");
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot create " + dir + ": " + e.getMessage());
    }
    for (AgentSpec s : specs) {
      if (rt.agents.containsKey(s.name())) throw new IllegalArgumentException("two agents are named '" + s.name() + "'");
      KeyPair key = IdentityFile.loadOrCreate(dir.resolve(s.name() + ".key"), new SecureRandom());
      // brain "inbox": the agent answers from its own loop with receive/respond
      Responder r = s.brain().equals("inbox") ? new InboxResponder(rt.agents::get, node.clock()) : responders.apply(s);
      rt.agents.put(s.name(), new LocalAgent(s, key, r, config.inboxCapacity()));
    }
    if (substrate != null) {
      substrate.subscribe(rt.topic, (t, id, payload, from) -> rt.announcements.accept(payload));
      Inbound inbound = new Inbound(rt, node, substrate, config,
          new ReplayGuard(node.clock(), config.skewMs(), config.replayCacheEntries()), rt.counters, rt.workers);
      rt.inbound = inbound;
      router.registerProven(SERVICE, inbound::answer);
    }
    if (substrate != null) {
      // a new neighbour learns this node's agents now rather than at the next heartbeat
      substrate.addMembershipListener(new Substrate.MembershipListener() {
        @Override
        public void peerUp(dev.wattswarm.kernel.identity.NodeId peer) {
          try {
            rt.timer.schedule(rt::tick, 300, TimeUnit.MILLISECONDS);
          } catch (java.util.concurrent.RejectedExecutionException closed) {
            // shutting down
          }
        }

        @Override
        public void peerDown(dev.wattswarm.kernel.identity.NodeId peer) {}
      });
    }
    rt.timer.scheduleWithFixedDelay(rt::tick, Math.min(200, config.heartbeatMs()), config.heartbeatMs(), TimeUnit.MILLISECONDS);
    return node.manage(rt);
  }

  public AgentConfig config() {
    return config;
  }

  public AgentRegistry registry() {
    return registry;
  }

  public List<LocalAgent> localAgents() {
    return List.copyOf(agents.values());
  }

  /** The PeerClient of one local agent. */
  public PeerClient client(String agentName) {
    LocalAgent a = agents.get(agentName);
    if (a == null) throw new AgentException(AgentException.Kind.NO_SUCH_AGENT, "no local agent named " + agentName);
    return new PeerClient(this, a, a.selection(() -> new PeerSelection(node.clock(), random)));
  }

  String localNodeId() {
    return node.nodeId().toString();
  }

  java.time.Clock clock() {
    return node.clock();
  }

  /**
   * What this node's agents layer refused or dropped, by reason: forged_replies, forged_requests,
   * bad_signatures, replays, oversized, misaddressed, foreign_agents, impostors, inbox_dropped,
   * ask_async_dropped, ask_async_expired, late_replies, registry_dropped, replay_cache_full, reroutes, stale_announcements,
   * unsigned_unbound (unsigned messages from an agent not known to be the sender node's, asked to sign), unreachable_nodes
   * (nodes whose agents were forgotten when a request to them failed as unreachable).
   */
  public Map<String, Long> counters() {
    return counters.snapshot();
  }

  /** Announcements from nodes impersonating our agents' ids, refused. */
  public long impostors() {
    return counters.get(AgentCounters.IMPOSTORS);
  }

  /** Requests moved to another agent because the first one's node was gone. */
  public long reroutes() {
    return counters.get(AgentCounters.REROUTES);
  }

  /** The answering side, for tests that hand it a message as a given path would (relayed, direct). */
  Inbound inboundForTests() {
    return inbound;
  }

  LocalAgent localById(String agentId) {
    for (LocalAgent a : agents.values()) if (a.id().equals(agentId)) return a;
    return null;
  }

  private List<AgentRecord> localRecords() {
    List<AgentRecord> out = new ArrayList<>();
    for (LocalAgent a : agents.values()) out.add(localRecord(a));
    return out;
  }

  private AgentRecord localRecord(LocalAgent a) {
    return new AgentRecord(a.id(), a.spec().name(), a.spec().role(), a.spec().capabilities(), a.spec().description(),
        node.nodeId().toString(), a.load(), a.spec().maxConcurrent(), node.clock().millis());
  }

  private void tick() {
    try {
      long now = node.clock().millis();
      registry.expire(now);
      asked.expire();
      if (substrate == null || agents.isEmpty()) return;
      List<LocalAgent> mine = localAgents();
      byte[] bytes = announcements.build(mine, mine.stream().map(this::localRecord).toList());
      substrate.publish(topic, dev.wattswarm.kernel.crypto.Hashes.sha256(bytes), bytes);
    } catch (RuntimeException e) {
      log.warn("agent announcement failed", e);
    }
  }

  /** Sends {@code body} to one agent fit for {@code target} (role, capability, agent id or name) and waits for its reply. */
  Reply request(LocalAgent from, String target, JsonNode body, Strategy strategy, long timeoutMs) {
    return request(from, target, body, Context.empty(), strategy, timeoutMs);
  }

  Reply request(LocalAgent from, String target, JsonNode body, ObjectNode context, Strategy strategy, long timeoutMs) {
    checkSize(body);
    List<AgentRecord> fit = new ArrayList<>(registry.matching(target));
    // a node that just joined hears the others' agents within a heartbeat: wait that long, not the whole timeout
    long waitUntil = node.clock().millis() + Math.min(timeoutMs, 2L * config.heartbeatMs() + 500);
    while (fit.isEmpty() && substrate != null && !substrate.neighbours().isEmpty() && node.clock().millis() < waitUntil) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      fit.addAll(registry.matching(target));
    }
    if (fit.isEmpty()) {
      // local fallback: a worker on this node takes what no specialist anywhere offers
      for (LocalAgent a : agents.values()) if (a.spec().role() == Role.WORKER && a != from) fit.add(localRecord(a));
    }
    if (fit.isEmpty()) {
      throw new AgentException(AgentException.Kind.NO_SUCH_AGENT, noAgentFor(target));
    }
    AgentException last = null;
    for (int attempt = 0; attempt < 3 && !fit.isEmpty(); attempt++) {
      AgentRecord pick = registry.choose(fit, strategy, from == null ? "" : from.id()).orElseThrow(() -> new AgentException(
          AgentException.Kind.QUEUE_FULL, "all " + fit.size() + " agent(s) for '" + target + "' are at capacity; retry later"));
      registry.used(pick.agentId(), node.clock().millis());
      try {
        return send(from, pick, body, context, timeoutMs);
      } catch (AgentException e) {
        // the agent's node is gone or unreachable: re-route to another fit agent; its own errors, and
        // a timeout (a live but slow agent may still be working on it), are final
        if (e.kind() != AgentException.Kind.FAILED || !e.getMessage().contains("request to ")) throw e;
        last = e;
        fit.remove(pick);
        if (e.getCause() instanceof UnreachableException) fit.removeIf(a -> a.nodeId().equals(pick.nodeId()));
        counters.inc(AgentCounters.REROUTES);
      }
    }
    throw last != null ? last : new AgentException(AgentException.Kind.NO_SUCH_AGENT, "no agent left for '" + target + "'");
  }

  Reply send(LocalAgent from, AgentRecord to, JsonNode body, ObjectNode context, long timeoutMs) {
    if (to.nodeId().equals(node.nodeId().toString())) {
      LocalAgent target = localById(to.agentId());
      if (target == null) throw new AgentException(AgentException.Kind.NO_SUCH_AGENT, "agent " + to.agentId() + " left");
      return new Reply(target.id(), target.spec().name(), to.nodeId(), "local", callLocal(target, from == null ? "" : from.id(), body, context, timeoutMs));
    }
    if (outbound == null) throw new AgentException(AgentException.Kind.NO_SUCH_AGENT, "agent " + to.name() + " is on another node and this node has no network");
    CompletableFuture<Answer> f = outbound.send(from, to, body, context, timeoutMs, false);
    try {
      return new Reply(to.agentId(), to.name(), to.nodeId(), "remote", f.get(timeoutMs + 250, TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      f.cancel(true);
      throw timeout(to.name(), to.nodeId(), timeoutMs);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof AgentException ae) throw ae;
      if (c instanceof TimeoutException) throw timeout(to.name(), to.nodeId(), timeoutMs);
      if (c instanceof UnreachableException u) {
        // no dial and no relay path reaches the node: forget its agents until it announces again
        registry.unreachable(to.nodeId());
        AgentException gone = new AgentException(AgentException.Kind.FAILED, "request to " + to.name() + " on " + to.nodeId()
            + " failed: " + u.getMessage());
        gone.initCause(u);
        throw gone;
      }
      throw new AgentException(AgentException.Kind.FAILED, "request to " + to.name() + " on " + to.nodeId() + " failed: " + c.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentException(AgentException.Kind.FAILED, "interrupted");
    }
  }

  /** Runs one message through a local agent, interrupting it (and so freeing its slot) when the asker stops waiting. */
  Answer callLocal(LocalAgent a, String from, JsonNode body, ObjectNode context, long timeoutMs) {
    Future<Answer> f = workers.submit(() -> a.handle(from, body, context));
    try {
      return f.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw timeout(a.spec().name(), node.nodeId().toString(), timeoutMs);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AgentException ae) throw ae;
      throw new AgentException(AgentException.Kind.FAILED, "agent " + a.spec().name() + " failed: " + e.getCause());
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new AgentException(AgentException.Kind.FAILED, "interrupted");
    }
  }

  private static AgentException timeout(String agent, String nodeId, long ms) {
    return new AgentException(AgentException.Kind.TIMEOUT, "no reply from agent " + agent + " on node " + nodeId + " within " + ms + " ms");
  }

  /** A request from the operator (CLI / control plane), not from an agent. */
  public Reply operatorRequest(String target, JsonNode body, Strategy strategy, long timeoutMs) {
    return request(null, target, body, strategy, timeoutMs);
  }

  /** An operator's request carrying {@code context} (checked: an object of at most {@link Context#MAX_BYTES}). */
  public Reply operatorRequest(String target, JsonNode body, JsonNode context, Strategy strategy, long timeoutMs) {
    return request(null, target, body, Context.of(context), strategy, timeoutMs);
  }

  public boolean operatorNotify(String target, JsonNode body, JsonNode context) {
    return notify(null, target, body, Context.of(context));
  }

  public int operatorBroadcast(String target, JsonNode body, JsonNode context) {
    return broadcast(null, target == null || target.isEmpty() ? registry.all() : registry.matching(target), body, Context.of(context));
  }

  public boolean operatorNotify(String target, JsonNode body) {
    return notify(null, target, body);
  }

  public int operatorBroadcast(String target, JsonNode body) {
    return broadcast(null, target, body);
  }

  /** Fire and forget into the target's inbox: true when it was handed to the agent or its node. */
  boolean notify(LocalAgent from, String target, JsonNode body) {
    return notify(from, target, body, Context.empty());
  }

  boolean notify(LocalAgent from, String target, JsonNode body, ObjectNode context) {
    checkSize(body);
    var pick = registry.choose(registry.matching(target), Strategy.RANDOM, from == null ? "" : from.id());
    if (pick.isEmpty()) return false;
    workers.execute(() -> deliver(from, pick.get(), body, context));
    return true;
  }

  /** Sends to the inbox of every agent fit for {@code target}; returns how many were sent it. */
  int broadcast(LocalAgent from, String target, JsonNode body) {
    return broadcast(from, registry.matching(target), body, Context.empty());
  }

  /** Sends to the inbox of each of {@code to} (but the sender); returns how many were sent it. */
  int broadcast(LocalAgent from, List<AgentRecord> to, JsonNode body, ObjectNode context) {
    checkSize(body);
    int n = 0;
    for (AgentRecord a : to) {
      if (from != null && a.agentId().equals(from.id())) continue;
      workers.execute(() -> deliver(from, a, body, context));
      n++;
    }
    return n;
  }

  private void deliver(LocalAgent from, AgentRecord to, JsonNode body, ObjectNode context) {
    String fromId = from == null ? "" : from.id();
    if (to.nodeId().equals(node.nodeId().toString())) {
      LocalAgent a = localById(to.agentId());
      if (a != null) deliverLocal(a, new Message(fromId, to.nodeId(), body, context, node.clock().millis()));
      return;
    }
    if (outbound == null) return;
    outbound.send(from, to, body, context, 10_000, true).exceptionally(e -> {
      log.debug("notification to {} on {} not delivered: {}", to.name(), to.nodeId(), e.getMessage());
      return null;
    });
  }

  /** Into an agent's inbox; false (and counted) when it is full. */
  boolean deliverLocal(LocalAgent a, Message m) {
    if (a.deliver(m)) return true;
    counters.inc(AgentCounters.INBOX_DROPPED);
    return false;
  }

  /** Starts a request and returns its id; the reply waits in the asker's inbox ({@link PeerClient#checkInbox}). */
  String askAsync(LocalAgent from, String target, JsonNode body, ObjectNode context, long timeoutMs) {
    checkSize(body);
    // an unknown target is an error now, not a reply that fails later (JarvisCore raises at once)
    if (registry.matching(target).stream().noneMatch(a -> !a.agentId().equals(from.id()))
        && agents.values().stream().noneMatch(a -> a.spec().role() == Role.WORKER && a != from)) {
      throw new AgentException(AgentException.Kind.NO_SUCH_AGENT, noAgentFor(target));
    }
    String id = java.util.UUID.randomUUID().toString();
    CompletableFuture<Reply> slot = new CompletableFuture<>();
    asked.put(id, from.id(), timeoutMs, slot);
    workers.execute(() -> {
      boolean taken;
      try {
        taken = slot.complete(request(from, target, body, context, Strategy.LEAST_RECENT, timeoutMs));
      } catch (RuntimeException e) {
        taken = slot.completeExceptionally(e);
      }
      if (!taken) counters.inc(AgentCounters.LATE_REPLIES); // its entry expired unread first
    });
    return id;
  }

  /** The ask-async reply {@code id} of {@code owner}, or null when there is none. */
  CompletableFuture<Reply> asked(LocalAgent owner, String id) {
    return asked.get(id, owner.id());
  }

  void forgetAsked(String id) {
    asked.remove(id);
  }

  /** A reply from an agent loop to a request whose asker had already given up. */
  void lateReply() {
    counters.inc(AgentCounters.LATE_REPLIES);
  }

  private void checkSize(JsonNode body) {
    try {
      AgentWire.checkBodySize(body, config.maxMessageBytes(), "message");
    } catch (AgentWire.Refused r) {
      counters.inc(r.counter);
      throw new AgentException(AgentException.Kind.BAD_MESSAGE, r.getMessage());
    }
  }

  /** Why nobody can answer, and what to do: usually the agent is on a node this one is not connected to. */
  private String noAgentFor(String target) {
    String known = "; known: " + known();
    if (substrate == null) {
      return "no agent on this node has role, capability, name or id '" + target + "', and this node runs without a network"
          + " (local mode), so you are not connected to any node that has it. Start it with `node up --mode network`, or"
          + " join a network with `node add-bootstrap-contact`" + known;
    }
    int peers = substrate.neighbours().size();
    return "no agent has role, capability, name or id '" + target + "': you are not connected to any node that has it ("
        + peers + " peer(s) connected; `peers list` shows them, `agents list` what they offer)" + known;
  }

  private String known() {
    java.util.Set<String> k = new java.util.TreeSet<>();
    for (AgentRecord a : registry.all()) {
      k.add(a.role().wire());
      k.addAll(a.capabilities());
    }
    return k.isEmpty() ? "(no agents yet)" : String.join(", ", k);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdownNow();
  }
}
