package dev.wattswarm.agents.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.agents.AgentException;
import dev.wattswarm.agents.AgentRecord;
import dev.wattswarm.agents.AgentRuntime;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decompose -> parallel execute -> synthesize, driven from this node. The plan, every finished
 * step and the synthesis are signed events in the node's own lane, so a coordinator killed
 * mid-way rebuilds each workflow from the log on restart and runs only the steps that were not
 * done. Steps go to agents by capability anywhere in the swarm, with retries and backoff before a
 * step is recorded as failed; the synthesis reports failures rather than hiding them.
 */
public final class WorkflowEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkflowEngine.class);

  private final Node node;
  private final AgentRuntime agents;
  private final Scope scope;
  private final Map<String, WorkflowState> workflows = new ConcurrentHashMap<>();
  private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
  private final int attempts;
  private final long stepTimeoutMs;

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
        log.info("resuming workflow {}: {} of {} steps settled", w.id(), w.done.size() + w.failed.size(), w.steps.size());
        pool.execute(() -> drive(w));
      }
    }
  }

  private synchronized void apply(Event e) {
    JsonNode p = CanonicalJson.parse(e.payload());
    String id = p.path("workflow_id").asText();
    switch (e.type()) {
      case EventTypes.WORKFLOW_STARTED -> {
        WorkflowState w = new WorkflowState(id, p.get("goal"));
        for (JsonNode s : p.path("steps")) w.steps.put(s.path("id").asText(), new WorkflowState.Step(s.path("id").asText(), s.path("capability").asText(), s.get("body")));
        workflows.put(id, w);
      }
      case EventTypes.WORKFLOW_STEP_DONE -> Optional.ofNullable(workflows.get(id)).ifPresent(w -> w.done.put(p.path("step_id").asText(), p.get("result")));
      case EventTypes.WORKFLOW_STEP_FAILED -> Optional.ofNullable(workflows.get(id)).ifPresent(w -> w.failed.put(p.path("step_id").asText(), p.path("error").asText()));
      case EventTypes.WORKFLOW_FINISHED -> Optional.ofNullable(workflows.get(id)).ifPresent(w -> w.synthesis = p.get("synthesis"));
      default -> {}
    }
  }

  /**
   * Plans and starts a workflow. {@code capabilities} empty means one step per capability of every
   * specialist the registry knows (the decomposition a coordinator makes without a model).
   */
  public WorkflowState start(String id, JsonNode goal, List<String> capabilities) {
    if (workflows.containsKey(id)) return workflows.get(id);
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
    ObjectNode started = CanonicalJson.object().put("workflow_id", id)
        .put("coordinator_agent", driver().map(dev.wattswarm.agents.PeerClient::myId).orElse(""));
    started.set("goal", goal);
    ArrayNode steps = started.putArray("steps");
    for (String c : caps) {
      ObjectNode s = steps.addObject().put("id", c).put("capability", c);
      ObjectNode body = CanonicalJson.object().put("capability", c);
      body.set("goal", goal);
      s.set("body", body);
    }
    apply(node.log().publish(scope, EventKind.EVENTS, EventTypes.WORKFLOW_STARTED, "", started));
    WorkflowState w = workflows.get(id);
    pool.execute(() -> drive(w));
    return w;
  }

  public Optional<WorkflowState> get(String id) {
    return Optional.ofNullable(workflows.get(id));
  }

  private void drive(WorkflowState w) {
    List<java.util.concurrent.Future<?>> running = new ArrayList<>();
    for (WorkflowState.Step s : w.steps.values()) {
      if (w.stepSettled(s.id())) continue;
      running.add(pool.submit(() -> runStep(w, s)));
    }
    for (var f : running) {
      try {
        f.get();
      } catch (Exception e) {
        if (Thread.currentThread().isInterrupted()) return;
      }
    }
    synchronized (w) {
      if (w.finished()) return;
      ObjectNode fin = CanonicalJson.object().put("workflow_id", w.id());
      fin.set("synthesis", synthesize(w));
      apply(node.log().publish(scope, EventKind.EVENTS, EventTypes.WORKFLOW_FINISHED, "", fin));
    }
  }

  private void runStep(WorkflowState w, WorkflowState.Step s) {
    String last = "";
    for (int i = 1; i <= attempts; i++) {
      try {
        awaitCapability(s.capability());
        // the node's coordinator agent drives the workflow when it has one; the operator otherwise
        AgentRuntime.Reply r = driver().map(c -> c.request(s.capability(), s.body(), Strategy.LEAST_RECENT, stepTimeoutMs))
            .orElseGet(() -> agents.operatorRequest(s.capability(), s.body(), Strategy.LEAST_RECENT, stepTimeoutMs));
        ObjectNode done = CanonicalJson.object().put("workflow_id", w.id()).put("step_id", s.id());
        done.set("result", r.toJson());
        apply(node.log().publish(scope, EventKind.EVENTS, EventTypes.WORKFLOW_STEP_DONE, "", done));
        return;
      } catch (AgentException e) {
        last = e.getMessage();
        if (i < attempts) {
          try {
            Thread.sleep(200L << (i - 1)); // backoff before trying another (or the same) agent
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        if (Thread.currentThread().isInterrupted()) return;
        last = e.toString();
      }
    }
    ObjectNode failed = CanonicalJson.object().put("workflow_id", w.id()).put("step_id", s.id())
        .put("error", last).put("attempts", attempts);
    apply(node.log().publish(scope, EventKind.EVENTS, EventTypes.WORKFLOW_STEP_FAILED, "", failed));
  }

  private Optional<dev.wattswarm.agents.PeerClient> driver() {
    return agents.localAgents().stream().filter(a -> a.spec().role() == Role.COORDINATOR).findFirst()
        .map(a -> agents.client(a.spec().name()));
  }

  /**
   * After a restart the registry fills as other nodes announce (every 2 s): give a capability
   * that long to show up before counting an attempt as failed.
   */
  private void awaitCapability(String capability) throws InterruptedException {
    long until = System.nanoTime() + 3 * AgentRuntime.ANNOUNCE_MS * 1_000_000L;
    while (agents.registry().matching(capability).isEmpty() && System.nanoTime() < until) Thread.sleep(100);
  }

  /** The rules synthesis: every finding under its capability, failures named. */
  private static JsonNode synthesize(WorkflowState w) {
    ObjectNode o = CanonicalJson.object();
    ArrayNode findings = o.putArray("findings");
    ObjectNode by = o.putObject("by_capability");
    for (var e : w.done.entrySet()) {
      JsonNode reply = e.getValue().path("reply");
      ObjectNode part = by.putObject(e.getKey());
      part.put("agent", e.getValue().path("agent_name").asText()).put("node_id", e.getValue().path("node_id").asText());
      part.set("reply", reply);
      for (JsonNode f : reply.path("findings")) findings.add(f.asText());
      if (reply.has("answer")) findings.add(e.getKey() + ": " + reply.path("answer").asText());
    }
    ArrayNode failed = o.putArray("failed_steps");
    w.failed.forEach((k, v) -> failed.addObject().put("step", k).put("error", v));
    o.put("summary", w.done.size() + " of " + w.steps.size() + " reviews done, " + findings.size() + " finding(s)"
        + (w.failed.isEmpty() ? "" : ", " + w.failed.size() + " step(s) failed"));
    return o;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
