package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.crypto.Ed25519;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.node.Node;
import dev.wattswarm.node.p2p.NetworkRuntime;
import dev.wattswarm.node.state.IdentityFile;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents of one node and their way to every other agent. Each agent has its own Ed25519 key
 * (kept in {@code agents/<name>.key}). The node announces its agents, their load and capacity on
 * {@code {network}.global.agents} every {@link #ANNOUNCE_MS}, signed by the node key; other nodes'
 * entries are forgotten when their announcements stop. Messages to agents on this node are
 * delivered in memory; to other nodes over the substrate's request/response (authenticated by the
 * sending node's link).
 */
public final class AgentRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentRuntime.class);
  public static final int SERVICE = 10;
  public static final long ANNOUNCE_MS = 2_000;
  /** How often agents are announced ({@code WATTSWARM_AGENT_HEARTBEAT_MS}). */
  private final long heartbeatMs;
  /** How long without an announcement before a node's agents are forgotten ({@code WATTSWARM_AGENT_NODE_TIMEOUT_MS}). */
  private final long nodeTimeoutMs;
  static final int MAX_MESSAGE_BYTES = 256 * 1024;

  /** An answer and who gave it. */
  public record Reply(String agentId, String agentName, String nodeId, String location, JsonNode body) {
    public ObjectNode toJson() {
      ObjectNode o = CanonicalJson.object();
      o.put("agent_id", agentId).put("agent_name", agentName).put("node_id", nodeId).put("location", location);
      o.set("reply", body);
      return o;
    }
  }

  private final Node node;
  private final NetworkRuntime network;
  private final Map<String, LocalAgent> agents = new LinkedHashMap<>();
  private final AgentRegistry registry;
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      r -> Thread.ofPlatform().name("ws-agents").daemon(true).unstarted(r));
  private final String topic;
  private final java.util.concurrent.atomic.AtomicLong impostors = new java.util.concurrent.atomic.AtomicLong();

  private AgentRuntime(Node node, NetworkRuntime network) {
    this.node = node;
    this.network = network;
    this.heartbeatMs = envMs("WATTSWARM_AGENT_HEARTBEAT_MS", ANNOUNCE_MS);
    this.nodeTimeoutMs = envMs("WATTSWARM_AGENT_NODE_TIMEOUT_MS", 3 * heartbeatMs);
    this.registry = new AgentRegistry(this::localRecords, nodeTimeoutMs);
    this.topic = node.networkId() + ".global.agents";
  }

  /**
   * @param network the swarm connection, or null for a node without networking (agents then see only each other)
   * @throws IllegalArgumentException when two agents share a name
   */
  public static AgentRuntime start(Node node, NetworkRuntime network, List<AgentSpec> specs, Responder responder) {
    return start(node, network, specs, s -> responder);
  }

  /** @param responders how each agent answers (its brain) */
  public static AgentRuntime start(Node node, NetworkRuntime network, List<AgentSpec> specs,
      java.util.function.Function<AgentSpec, Responder> responders) {
    AgentRuntime rt = new AgentRuntime(node, network);
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
      Responder r = s.brain().equals("inbox") ? new InboxResponder(rt.agents::get) : responders.apply(s);
      rt.agents.put(s.name(), new LocalAgent(s, key, r));
    }
    if (network != null) {
      network.substrate().subscribe(rt.topic, (t, id, payload, from) -> rt.onAnnouncement(payload));
      network.router().register(SERVICE, rt::answer);
      rt.timer.scheduleWithFixedDelay(rt::announce, 200, rt.heartbeatMs, TimeUnit.MILLISECONDS);
    }
    return node.manage(rt);
  }

  private static long envMs(String var, long dflt) {
    String v = System.getenv(var);
    if (v == null || v.isBlank()) return dflt;
    try {
      long n = Long.parseLong(v.trim());
      if (n < 100 || n > 3_600_000) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(var + "='" + v + "' must be milliseconds between 100 and 3600000");
    }
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
    return new PeerClient(this, a);
  }

  /** Announcements from nodes impersonating our agents' ids, refused. */
  public long impostors() {
    return impostors.get();
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

  private final java.util.concurrent.atomic.AtomicLong reroutes = new java.util.concurrent.atomic.AtomicLong();

  /** Requests moved to another agent because the first one's node was gone. */
  public long reroutes() {
    return reroutes.get();
  }

  private void announce() {
    try {
      registry.expire(node.clock().millis());
      if (agents.isEmpty()) return;
      ObjectNode body = CanonicalJson.object();
      body.put("node_id", node.nodeId().toString()).put("at_ms", node.clock().millis());
      var arr = body.putArray("agents");
      for (AgentRecord r : localRecords()) arr.add(r.toJson());
      byte[] signed = CanonicalJson.encode(body);
      ObjectNode msg = CanonicalJson.object();
      msg.set("body", body);
      msg.put("signature", Hashes.hex(node.key().sign(signed)));
      byte[] bytes = CanonicalJson.encode(msg);
      network.substrate().publish(topic, Hashes.sha256(bytes), bytes);
    } catch (RuntimeException e) {
      log.warn("agent announcement failed", e);
    }
  }

  private void onAnnouncement(byte[] payload) {
    try {
      JsonNode msg = CanonicalJson.parse(payload);
      JsonNode body = msg.get("body");
      NodeId from = NodeId.parse(body.path("node_id").asText());
      if (from.equals(node.nodeId())) return;
      byte[] sig = Hashes.unhex(msg.path("signature").asText());
      if (!Ed25519.verify(from.keyBytes(), CanonicalJson.encode(body), sig)) return; // forged relay
      long now = node.clock().millis();
      List<AgentRecord> records = new ArrayList<>();
      for (JsonNode a : body.path("agents")) {
        AgentRecord r = AgentRecord.fromJson(a, now);
        if (!r.nodeId().equals(from.toString())) continue;
        if (agents.values().stream().anyMatch(l -> l.id().equals(r.agentId()))) {
          impostors.incrementAndGet();
          log.warn("node {} announces agent id {}, which is ours; ignored", from, r.agentId());
          continue;
        }
        records.add(r);
      }
      registry.replaceRemote(from.toString(), records);
    } catch (RuntimeException malformed) {
      log.info("unreadable agent announcement: {}", malformed.getMessage());
    }
  }

  /** Sends {@code body} to one agent fit for {@code target} (role, capability, agent id or name) and waits for its reply. */
  Reply request(LocalAgent from, String target, JsonNode body, Strategy strategy, long timeoutMs) {
    checkSize(body);
    List<AgentRecord> fit = new ArrayList<>(registry.matching(target));
    if (fit.isEmpty()) {
      // local fallback: a worker on this node takes what no specialist anywhere offers
      for (LocalAgent a : agents.values()) if (a.spec().role() == Role.WORKER && a != from) fit.add(localRecord(a));
    }
    if (fit.isEmpty()) {
      throw new AgentException(AgentException.Kind.NO_SUCH_AGENT, "no agent has role, capability, name or id '" + target
          + "'; known: " + known());
    }
    AgentException last = null;
    for (int attempt = 0; attempt < 3 && !fit.isEmpty(); attempt++) {
      AgentRecord pick = registry.choose(fit, strategy, from == null ? "" : from.id()).orElseThrow(() -> new AgentException(
          AgentException.Kind.QUEUE_FULL, "all " + fit.size() + " agent(s) for '" + target + "' are at capacity; retry later"));
      registry.used(pick.agentId(), node.clock().millis());
      try {
        return send(from, pick, body, timeoutMs);
      } catch (AgentException e) {
        // the agent's node is gone or unreachable: re-route to another fit agent; its own errors are final
        if (e.kind() != AgentException.Kind.FAILED || !e.getMessage().contains("request to ")) throw e;
        last = e;
        fit.remove(pick);
        reroutes.incrementAndGet();
      }
    }
    throw last != null ? last : new AgentException(AgentException.Kind.NO_SUCH_AGENT, "no agent left for '" + target + "'");
  }

  Reply send(LocalAgent from, AgentRecord to, JsonNode body, long timeoutMs) {
    String fromId = from == null ? "" : from.id();
    if (to.nodeId().equals(node.nodeId().toString())) {
      LocalAgent target = agents.values().stream().filter(a -> a.id().equals(to.agentId())).findFirst()
          .orElseThrow(() -> new AgentException(AgentException.Kind.NO_SUCH_AGENT, "agent " + to.agentId() + " left"));
      CompletableFuture<JsonNode> f = CompletableFuture.supplyAsync(() -> target.handle(fromId, body), workers);
      return new Reply(target.id(), target.spec().name(), to.nodeId(), "local", await(f, to, timeoutMs));
    }
    if (network == null) throw new AgentException(AgentException.Kind.NO_SUCH_AGENT, "agent " + to.name() + " is on another node and this node has no network");
    byte[] frame = frame(to, fromId, body, false);
    CompletableFuture<JsonNode> f = network.substrate().request(NodeId.parse(to.nodeId()), frame, timeoutMs).thenApply(bytes -> {
      JsonNode r = CanonicalJson.parse(bytes);
      if (!r.path("ok").asBoolean()) {
        throw new AgentException(AgentException.Kind.valueOf(r.path("kind").asText("FAILED")), r.path("error").asText());
      }
      return r.get("reply");
    });
    return new Reply(to.agentId(), to.name(), to.nodeId(), "remote", await(f, to, timeoutMs));
  }

  /** A message for an agent on another node: the service byte, then the JSON envelope. */
  private static byte[] frame(AgentRecord to, String fromId, JsonNode body, boolean notify) {
    ObjectNode req = CanonicalJson.object().put("to", to.agentId()).put("from", fromId);
    if (notify) req.put("notify", true);
    req.set("body", body);
    byte[] encoded = CanonicalJson.encode(req);
    byte[] frame = new byte[encoded.length + 1];
    frame[0] = SERVICE;
    System.arraycopy(encoded, 0, frame, 1, encoded.length);
    return frame;
  }

  private JsonNode await(CompletableFuture<JsonNode> f, AgentRecord to, long timeoutMs) {
    try {
      return f.get(timeoutMs + 250, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw timeout(to, timeoutMs);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof AgentException ae) throw ae;
      if (c instanceof TimeoutException) throw timeout(to, timeoutMs);
      throw new AgentException(AgentException.Kind.FAILED, "request to " + to.name() + " on " + to.nodeId() + " failed: " + c.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentException(AgentException.Kind.FAILED, "interrupted");
    }
  }

  private static AgentException timeout(AgentRecord to, long ms) {
    return new AgentException(AgentException.Kind.TIMEOUT, "no reply from agent " + to.name() + " on node " + to.nodeId() + " within " + ms + " ms");
  }

  /** A request from the operator (CLI / control plane), not from an agent. */
  public Reply operatorRequest(String target, JsonNode body, Strategy strategy, long timeoutMs) {
    return request(null, target, body, strategy, timeoutMs);
  }

  public boolean operatorNotify(String target, JsonNode body) {
    return notify(null, target, body);
  }

  public int operatorBroadcast(String target, JsonNode body) {
    return broadcast(null, target, body);
  }

  /** Fire and forget into the target's inbox: true when it was handed to the agent or its node. */
  boolean notify(LocalAgent from, String target, JsonNode body) {
    checkSize(body);
    var pick = registry.choose(registry.matching(target), Strategy.RANDOM, from == null ? "" : from.id());
    if (pick.isEmpty()) return false;
    workers.execute(() -> deliver(from, pick.get(), body));
    return true;
  }

  /** Sends to the inbox of every agent fit for {@code target}; returns how many were sent it. */
  int broadcast(LocalAgent from, String target, JsonNode body) {
    checkSize(body);
    int n = 0;
    for (AgentRecord a : registry.matching(target)) {
      if (from != null && a.agentId().equals(from.id())) continue;
      workers.execute(() -> deliver(from, a, body));
      n++;
    }
    return n;
  }

  private void deliver(LocalAgent from, AgentRecord to, JsonNode body) {
    String fromId = from == null ? "" : from.id();
    if (to.nodeId().equals(node.nodeId().toString())) {
      agents.values().stream().filter(a -> a.id().equals(to.agentId())).findFirst()
          .ifPresent(a -> a.deliver(new Message(fromId, to.nodeId(), body, node.clock().millis())));
      return;
    }
    if (network == null) return;
    network.substrate().request(NodeId.parse(to.nodeId()), frame(to, fromId, body, true), 10_000);
  }

  /** Starts a request and returns its id; the reply waits in the asker's inbox ({@link PeerClient#checkInbox}). */
  String askAsync(LocalAgent from, String target, JsonNode body, long timeoutMs) {
    String id = java.util.UUID.randomUUID().toString();
    from.asked.put(id, CompletableFuture.supplyAsync(() -> request(from, target, body, Strategy.LEAST_RECENT, timeoutMs), workers));
    return id;
  }

  private CompletableFuture<byte[]> answer(NodeId peer, byte[] frame) {
    return CompletableFuture.supplyAsync(() -> {
      ObjectNode out = CanonicalJson.object();
      try {
        if (frame.length - 1 > MAX_MESSAGE_BYTES) throw new AgentException(AgentException.Kind.BAD_MESSAGE, "message over " + MAX_MESSAGE_BYTES + " bytes");
        JsonNode req;
        try {
          req = CanonicalJson.parse(new String(frame, 1, frame.length - 1, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          throw new AgentException(AgentException.Kind.BAD_MESSAGE, "message is not JSON: " + e.getMessage());
        }
        String to = req.path("to").asText();
        LocalAgent a = agents.values().stream().filter(x -> x.id().equals(to)).findFirst().orElseThrow(() ->
            new AgentException(AgentException.Kind.NO_SUCH_AGENT, "no agent " + to + " on node " + node.nodeId()));
        out.put("ok", true);
        if (req.path("notify").asBoolean(false)) {
          if (!a.deliver(new Message(req.path("from").asText(""), peer.toString(), req.path("body"), node.clock().millis()))) {
            throw new AgentException(AgentException.Kind.QUEUE_FULL, "inbox of " + a.spec().name() + " is full");
          }
        } else {
          out.set("reply", a.handle(req.path("from").asText(""), req.path("body")));
        }
      } catch (AgentException e) {
        out.removeAll();
        out.put("ok", false).put("kind", e.kind().name()).put("error", e.getMessage());
      }
      return CanonicalJson.encode(out);
    }, workers);
  }

  private static void checkSize(JsonNode body) {
    if (CanonicalJson.encode(body).length > MAX_MESSAGE_BYTES) {
      throw new AgentException(AgentException.Kind.BAD_MESSAGE, "message is over " + MAX_MESSAGE_BYTES + " bytes");
    }
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
