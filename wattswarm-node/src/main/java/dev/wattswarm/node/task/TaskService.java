package dev.wattswarm.node.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.EventStore;
import dev.wattswarm.kernel.store.ProjectionDoc;
import dev.wattswarm.kernel.task.TaskEventTypes;
import dev.wattswarm.kernel.task.TaskPhase;
import dev.wattswarm.kernel.task.TaskProjector;
import dev.wattswarm.kernel.task.TaskSpec;
import dev.wattswarm.kernel.task.TaskValidationException;
import dev.wattswarm.kernel.task.TaskValidationException.FieldError;
import dev.wattswarm.node.log.NodeLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Submitting, reading, listing and cancelling tasks: what the control plane and the demo call. */
public final class TaskService {
  /** The answer to a submit: the task as stored, and whether this call created it. */
  public record Submitted(String taskId, boolean created, JsonNode task) {}

  /** A request the task's current state does not allow (maps to HTTP 409). */
  public static final class ConflictException extends RuntimeException {
    public ConflictException(String message) {
      super(message);
    }
  }

  private final NodeLog log;
  private final EventStore store;
  private final Supplier<List<ExecutorHost.Slot>> localExecutors;
  private final boolean networked;
  private volatile java.util.function.Predicate<dev.wattswarm.kernel.event.Scope> routable = s -> true;
  /** Striped by task id: submits of one id are serialised (idempotency), different ids run in parallel. */
  private final Object[] submitLocks = new Object[64];

  /**
   * @param networked whether executors elsewhere can take part; when false, a task no local
   *     executor can do is refused at submit instead of waiting to expire
   */
  public TaskService(NodeLog log, Supplier<List<ExecutorHost.Slot>> localExecutors, boolean networked) {
    this.log = log;
    this.store = log.store();
    this.localExecutors = localExecutors;
    this.networked = networked;
    for (int i = 0; i < submitLocks.length; i++) submitLocks[i] = new Object();
  }

  /**
   * The network's signed parameters: {@code default_lease_ms} and {@code default_quorum_executors}
   * fill tasks that leave them out, so every node of a network submits tasks with the same policy.
   */
  public void networkParams(JsonNode params) {
    this.params = params == null ? CanonicalJson.object() : params;
  }

  private volatile JsonNode params = CanonicalJson.object();
  private volatile Supplier<java.util.Map<String, Long>> counters = java.util.Map::of;

  /** What the task runtime refused or dropped, for {@code node status}. */
  public java.util.Map<String, Long> counters() {
    return counters.get();
  }

  void countersFrom(Supplier<java.util.Map<String, Long>> c) {
    this.counters = c;
  }

  /**
   * What a submitted task leaves out, filled from this node's situation: one vote per node among
   * nodes (so a node running many executors cannot fill a quorum), one per executor in local mode
   * (every executor shares the node, and a faulty one is still outvoted).
   */
  private JsonNode withDefaults(JsonNode json) {
    if (json == null || !json.isObject()) return json;
    var o = ((com.fasterxml.jackson.databind.node.ObjectNode) json).deepCopy();
    if (!o.has("one_vote_per")) o.put("one_vote_per", networked ? "node" : "executor");
    JsonNode p = params;
    if (!o.has("lease_ms") && p.path("default_lease_ms").canConvertToLong()) o.put("lease_ms", p.path("default_lease_ms").asLong());
    if ("quorum".equals(o.path("profile").asText()) && p.path("default_quorum_executors").canConvertToInt()) {
      JsonNode q = o.get("quorum");
      if (q == null || q.isNull()) o.putObject("quorum").put("executors", p.path("default_quorum_executors").asInt());
      else if (q.isObject() && !q.has("executors")) {
        ((com.fasterxml.jackson.databind.node.ObjectNode) q).put("executors", p.path("default_quorum_executors").asInt());
      }
    }
    return o;
  }

  /** Scopes this node's events can travel in; a task in any other scope could never leave the node. */
  public void routableScopes(java.util.function.Predicate<dev.wattswarm.kernel.event.Scope> p) {
    this.routable = p;
  }

  private volatile java.util.function.Consumer<dev.wattswarm.kernel.event.Scope> taskGroupJoin = s -> {};

  /**
   * How to join {@code group:<task_id>} when a task is submitted into its own group (the seed's
   * advice for busy tasks): the coordinator must hold the scope its task's events travel in.
   */
  public void taskGroupJoin(java.util.function.Consumer<dev.wattswarm.kernel.event.Scope> join) {
    this.taskGroupJoin = join;
  }

  /**
   * @throws TaskValidationException naming every bad field, or why this node cannot run the task
   */
  public Submitted submit(JsonNode json) {
    TaskSpec spec = TaskSpec.parse(withDefaults(json));
    synchronized (submitLocks[Math.floorMod(spec.taskId().hashCode(), submitLocks.length)]) {
      Optional<JsonNode> existing = get(spec.taskId());
      if (existing.isPresent()) return new Submitted(spec.taskId(), false, existing.get());
      if (!networked) checkLocalCapacity(spec);
      if (spec.scope().kind() == dev.wattswarm.kernel.event.Scope.Kind.GROUP && spec.scope().id().equals(spec.taskId())
          && !routable.test(spec.scope())) {
        taskGroupJoin.accept(spec.scope());
      }
      if (!routable.test(spec.scope())) {
        throw new TaskValidationException(List.of(new FieldError("inputs.swarm_scope", "this node does not subscribe to "
            + spec.scope() + ", so the task's events could not reach anyone; subscribe with WATTSWARM_P2P_REGION_IDS /"
            + " WATTSWARM_P2P_NODE_IDS or `group join ID`, or submit it on a node that does")));
      }
      var created = log.publish(spec.scope(), EventKind.EVENTS, TaskEventTypes.CREATED, spec.taskId(), spec.toJson());
      // the state right after creation, derived as the projector did, without reading it back
      var state = dev.wattswarm.kernel.task.TaskStateMachine.apply(null, dev.wattswarm.kernel.task.TaskFact.of(created)).state();
      return new Submitted(spec.taskId(), true, state.toJson());
    }
  }

  /** This node's executors with their health, for {@code node status}. */
  public com.fasterxml.jackson.databind.node.ArrayNode executors() {
    var arr = CanonicalJson.MAPPER.createArrayNode();
    for (ExecutorHost.Slot s : localExecutors.get()) {
      com.fasterxml.jackson.databind.node.ObjectNode o = arr.addObject().put("id", s.id()).put("name", s.executor().name());
      o.setAll(s.executor().status());
      if (!o.has("capabilities")) {
        var caps = o.putArray("capabilities");
        s.executor().capabilities().stream().sorted().forEach(caps::add);
      }
      o.put("running", s.running());
    }
    return arr;
  }

  private void checkLocalCapacity(TaskSpec spec) {
    int able = 0;
    for (ExecutorHost.Slot s : localExecutors.get()) {
      if (spec.capability().isEmpty() || s.executor().capabilities().contains(spec.capability())) able++;
    }
    if (able >= spec.executors()) return;
    String what = spec.capability().isEmpty() ? "executors" : "executors with capability '" + spec.capability() + "'";
    String field = spec.executors() > 1 ? "quorum.executors" : "capability";
    throw new TaskValidationException(List.of(new FieldError(field, "needs " + spec.executors() + " " + what
        + " but this node has " + able + " and is not connected to a swarm; lower quorum.executors, add executors in"
        + " executors.json, or join a network")));
  }

  public Optional<JsonNode> get(String taskId) {
    return store.projection(TaskProjector.NS, taskId).map(d -> CanonicalJson.parse(d.doc()));
  }

  /**
   * @param state a state name, or null for all
   * @param afterId paging cursor: the last task id of the previous page, or null
   */
  public List<JsonNode> list(String state, String afterId, int limit) {
    if (state != null) {
      try {
        TaskPhase.fromWire(state);
      } catch (IllegalArgumentException e) {
        List<String> names = new ArrayList<>();
        for (TaskPhase p : TaskPhase.values()) names.add(p.wire());
        throw new TaskValidationException(List.of(new FieldError("state", "unknown state '" + state + "'; one of " + names)));
      }
    }
    List<JsonNode> out = new ArrayList<>();
    for (ProjectionDoc d : store.projections(TaskProjector.NS, state, afterId, limit)) out.add(CanonicalJson.parse(d.doc()));
    return out;
  }

  /**
   * @throws java.util.NoSuchElementException for an unknown task
   * @throws ConflictException when the task is terminal or another node coordinates it
   */
  public JsonNode cancel(String taskId, String reason) {
    JsonNode t = get(taskId).orElseThrow(() -> new java.util.NoSuchElementException("no task " + taskId));
    TaskPhase phase = TaskPhase.fromWire(t.path("state").asText());
    if (phase.terminal()) {
      throw new ConflictException("task " + taskId + " is " + phase.wire() + "; only a task that has not finished can be cancelled");
    }
    String coordinator = t.path("coordinator").asText();
    if (!coordinator.equals(log.nodeId().toString())) {
      throw new ConflictException("task " + taskId + " is coordinated by node " + coordinator + "; cancel it there");
    }
    TaskSpec spec = TaskSpec.parse(t.get("spec"));
    log.publish(spec.scope(), EventKind.EVENTS, TaskEventTypes.CANCELLED, taskId,
        CanonicalJson.object().put("reason", reason == null || reason.isBlank() ? "cancelled by the operator" : reason));
    JsonNode after = get(taskId).orElseThrow();
    if (!after.path("state").asText().equals("cancelled")) {
      throw new ConflictException("task " + taskId + " reached " + after.path("state").asText() + " before the cancel landed");
    }
    return after;
  }
}
