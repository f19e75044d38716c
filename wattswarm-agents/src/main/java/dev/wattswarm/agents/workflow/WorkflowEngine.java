package dev.wattswarm.agents.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.agents.AgentException;
import dev.wattswarm.agents.AgentRecord;
import dev.wattswarm.agents.AgentRuntime;
import dev.wattswarm.agents.PeerClient;
import dev.wattswarm.agents.Role;
import dev.wattswarm.agents.Strategy;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventTypes;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.EventFilter;
import dev.wattswarm.kernel.store.EventPage;
import dev.wattswarm.node.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decompose -> parallel execute -> synthesize, driven from this node. The plan, every finished
 * step and the synthesis are signed events in the node's own lane, so a coordinator killed
 * mid-way rebuilds each workflow from the log on restart and runs only the steps that were not
 * done. Steps go to agents by capability anywhere in the swarm, with retries and backoff before a
 * step is recorded as failed; the synthesis reports failures rather than hiding them. A stop
 * records nothing it did not finish: a step cut short is not failed, a workflow with unsettled
 * steps is not finished; the next start resumes both.
 */
public final class WorkflowEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkflowEngine.class);

  private final Node node;
  private final AgentRuntime agents;
  private final Scope scope;
  /** Each workflow's latest immutable state; replaced (under this engine's lock) per event. */
  private final Map<String, WorkflowState> workflows = new ConcurrentHashMap<>();
  private final GoalParts.Pending goalParts = new GoalParts.Pending();
  private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
  private final int attempts;
  private final long stepTimeoutMs;
  private volatile boolean closing;

  public WorkflowEngine(Node node, AgentRuntime agents, int attempts, long stepTimeoutMs) {
    this.node = node;
    this.agents = agents;
    this.scope = Scope.of("node", node.nodeId().toString());
    this.attempts = attempts;
    this.stepTimeoutMs = stepTimeoutMs;
    rebuild();
  }

  /** Reads the log, then resumes every workflow that has no synthesis yet. */
  private void rebuild() {
    long cursor = 0;
    while (true) {
      EventPage page = node.store().list(cursor, 1000, new EventFilter("workflow.", "", scope.toString()));
      for (Event e : page.events()) apply(e);
      if (page.events().isEmpty()) break;
      cursor = page.nextCursor();
    }
    for (WorkflowState w : workflows.values()) {
      if (!w.finished()) {
        log.info("resuming workflow {}: {} of {} steps settled", w.id(), w.done().size() + w.failed().size(), w.steps().size());
        pool.execute(() -> drive(w.id()));
      }
    }
  }

  private synchronized void apply(Event e) {
    JsonNode p = CanonicalJson.parse(e.payload());
    String id = p.path("workflow_id").asText();
    switch (e.type()) {
      case EventTypes.WORKFLOW_GOAL_PART -> goalParts.add(p);
      case EventTypes.WORKFLOW_STARTED -> {
        JsonNode goal = p.has("goal_parts") ? goalParts.assemble(id, p.path("goal_parts").asInt(), p.path("goal_sha256").asText()) : p.get("goal");
        List<WorkflowState.Step> steps = new ArrayList<>();
        for (JsonNode s : p.path("steps")) steps.add(new WorkflowState.Step(s.path("id").asText(), s.path("capability").asText()));
        workflows.put(id, WorkflowState.planned(id, goal, steps));
      }
      case EventTypes.WORKFLOW_STEP_DONE -> workflows.computeIfPresent(id, (k, w) -> w.withDone(p.path("step_id").asText(), p.get("result")));
      case EventTypes.WORKFLOW_STEP_FAILED -> workflows.computeIfPresent(id, (k, w) -> w.withFailed(p.path("step_id").asText(), p.path("error").asText()));
      case EventTypes.WORKFLOW_FINISHED -> workflows.computeIfPresent(id, (k, w) -> w.withSynthesis(p.get("synthesis")));
      default -> {}
    }
  }

  /** The largest goal a workflow takes: each step carries it to an agent in one message. */
  public int maxGoalBytes() {
    return agents.config().maxMessageBytes() - 1024;
  }

  /**
   * Plans and starts a workflow. {@code capabilities} empty means one step per capability of every
   * specialist the registry knows (the decomposition a coordinator makes without a model).
   *
   * @throws AgentException BAD_MESSAGE when the goal is over {@link #maxGoalBytes}; NO_SUCH_AGENT when nobody can do the work
   */
  public synchronized WorkflowState start(String id, JsonNode goal, List<String> capabilities) {
    if (workflows.containsKey(id)) return workflows.get(id);
    byte[] goalBytes = CanonicalJson.encode(goal);
    if (goalBytes.length > maxGoalBytes()) {
      throw new AgentException(AgentException.Kind.BAD_MESSAGE, "the goal is " + goalBytes.length + " bytes; the limit is "
          + maxGoalBytes() + " bytes, because every step carries the goal to its agent in one message (agent messages are capped at "
          + agents.config().maxMessageBytes() + " bytes)");
    }
    List<String> caps = new ArrayList<>(capabilities);
    if (caps.isEmpty()) {
      TreeSet<String> known = new TreeSet<>();
      for (AgentRecord a : agents.registry().all()) if (a.role() == Role.SPECIALIST) known.addAll(a.capabilities());
      caps.addAll(known);
    }
    if (caps.isEmpty()) {
      throw new AgentException(AgentException.Kind.NO_SUCH_AGENT, "no specialists are known to split the work between; start some"
          + " (node up --agent name:specialist:capability) or name the capabilities");
    }
    ObjectNode started = CanonicalJson.object().put("workflow_id", id).put("coordinator_agent", driver().map(PeerClient::myId).orElse(""));
    // steps name only their capability: each is sent the plan's goal, which is recorded once
    ArrayNode steps = started.putArray("steps");
    for (String c : caps) steps.addObject().put("id", c).put("capability", c);
    int maxEvent = node.config().limits().maxPayloadBytes();
    started.set("goal", goal);
    if (CanonicalJson.encode(started).length > maxEvent) {
      started.remove("goal");
      List<ObjectNode> parts = GoalParts.split(id, goalBytes, maxEvent);
      started.put("goal_parts", parts.size()).put("goal_sha256", GoalParts.hash(goalBytes));
      for (ObjectNode part : parts) apply(node.log().publish(scope, EventKind.EVENTS, EventTypes.WORKFLOW_GOAL_PART, "", part));
    }
    apply(node.log().publish(scope, EventKind.EVENTS, EventTypes.WORKFLOW_STARTED, "", started));
    pool.execute(() -> drive(id));
    return workflows.get(id);
  }

  /** A consistent snapshot of the workflow, safe to read on any thread. */
  public Optional<WorkflowState> get(String id) {
    return Optional.ofNullable(workflows.get(id));
  }

  private void drive(String id) {
    WorkflowState w = workflows.get(id);
    List<Future<?>> running = new ArrayList<>();
    for (WorkflowState.Step s : w.steps().values()) {
      if (!w.stepSettled(s.id())) running.add(pool.submit(() -> runStep(id, w.goal(), s)));
    }
    for (Future<?> f : running) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // stopping: leave the workflow open for the next start
        return;
      } catch (ExecutionException e) {
        log.warn("workflow {}: a step crashed", id, e.getCause());
      }
    }
    synchronized (this) {
      WorkflowState now = workflows.get(id);
      // sealed only when every step settled: a stop that cut a step short leaves it to resume
      if (closing || now.finished() || !now.allSettled()) return;
      ObjectNode fin = CanonicalJson.object().put("workflow_id", id);
      fin.set("synthesis", synthesize(now));
      apply(node.log().publish(scope, EventKind.EVENTS, EventTypes.WORKFLOW_FINISHED, "", fin));
    }
  }

  private void runStep(String id, JsonNode goal, WorkflowState.Step s) {
    ObjectNode body = CanonicalJson.object().put("capability", s.capability());
    body.set("goal", goal);
    String last = "";
    for (int i = 1; i <= attempts; i++) {
      try {
        awaitCapability(s.capability());
        // the node's coordinator agent drives the workflow when it has one; the operator otherwise
        AgentRuntime.Reply r = driver().map(c -> c.request(s.capability(), body, Strategy.LEAST_RECENT, stepTimeoutMs))
            .orElseGet(() -> agents.operatorRequest(s.capability(), body, Strategy.LEAST_RECENT, stepTimeoutMs));
        ObjectNode done = CanonicalJson.object().put("workflow_id", id).put("step_id", s.id());
        done.set("result", r.toJson());
        record(EventTypes.WORKFLOW_STEP_DONE, done);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        if (stopping()) return; // cut short by the stop, not failed: the next start runs it again
        last = e instanceof AgentException ? e.getMessage() : e.toString();
        if (i < attempts && !backoff(i)) return;
      }
    }
    ObjectNode failed = CanonicalJson.object().put("workflow_id", id).put("step_id", s.id()).put("error", last).put("attempts", attempts);
    record(EventTypes.WORKFLOW_STEP_FAILED, failed);
  }

  private void record(String type, ObjectNode payload) {
    synchronized (this) {
      if (closing) return;
      apply(node.log().publish(scope, EventKind.EVENTS, type, "", payload));
    }
  }

  private boolean stopping() {
    return closing || Thread.currentThread().isInterrupted();
  }

  /** Waits before trying another (or the same) agent; false when stopping. */
  private boolean backoff(int attempt) {
    try {
      Thread.sleep(200L << (attempt - 1));
      return !closing;
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private Optional<PeerClient> driver() {
    return agents.localAgents().stream().filter(a -> a.spec().role() == Role.COORDINATOR).findFirst()
        .map(a -> agents.client(a.spec().name()));
  }

  /**
   * After a restart the registry fills as other nodes announce (every heartbeat): give a
   * capability three heartbeats to show up before counting an attempt as failed.
   */
  private void awaitCapability(String capability) throws InterruptedException {
    long until = System.nanoTime() + 3 * agents.config().heartbeatMs() * 1_000_000L;
    while (agents.registry().matching(capability).isEmpty() && System.nanoTime() < until) Thread.sleep(100);
  }

  /** The rules synthesis: every finding under its capability, failures named. */
  private static JsonNode synthesize(WorkflowState w) {
    ObjectNode o = CanonicalJson.object();
    ArrayNode findings = o.putArray("findings");
    ObjectNode by = o.putObject("by_capability");
    for (var e : w.done().entrySet()) {
      JsonNode reply = e.getValue().path("reply");
      ObjectNode part = by.putObject(e.getKey());
      part.put("agent", e.getValue().path("agent_name").asText()).put("node_id", e.getValue().path("node_id").asText());
      part.set("reply", reply);
      for (JsonNode f : reply.path("findings")) findings.add(f.asText());
      if (reply.has("answer")) findings.add(e.getKey() + ": " + reply.path("answer").asText());
    }
    ArrayNode failed = o.putArray("failed_steps");
    w.failed().forEach((k, v) -> failed.addObject().put("step", k).put("error", v));
    o.put("summary", w.done().size() + " of " + w.steps().size() + " reviews done, " + findings.size() + " finding(s)"
        + (w.failed().isEmpty() ? "" : ", " + w.failed().size() + " step(s) failed"));
    return o;
  }

  @Override
  public void close() {
    synchronized (this) {
      closing = true; // under the lock: no event is being recorded, and none will be
    }
    pool.shutdownNow();
    try {
      // steps cut short return at once; waiting means nothing of this engine writes after close
      if (!pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) log.warn("workflow steps still running after close");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
