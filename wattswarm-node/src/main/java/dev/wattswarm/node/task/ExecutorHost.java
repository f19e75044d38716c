package dev.wattswarm.node.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.task.Profile;
import dev.wattswarm.kernel.task.TaskEventTypes;
import dev.wattswarm.kernel.task.TaskPhase;
import dev.wattswarm.kernel.task.TaskSpec;
import dev.wattswarm.kernel.task.TaskState;
import dev.wattswarm.kernel.task.Votes;
import dev.wattswarm.node.log.NodeLog;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this node's executors against every live task it can see, whoever coordinates it: claims
 * (or, on another node's task, bids for) work that matches an executor's capabilities (within its
 * concurrency), executes it once it holds a slot, on a virtual
 * thread bounded by the lease, proposes the result or reports the error, and in quorum tasks
 * verifies the candidates, commits a hidden vote and reveals it.
 *
 * <p>Vote salts are derived from the node key (Ed25519 signatures are deterministic), so a node
 * that restarts between commit and reveal can still reveal, and nobody else can predict them.
 *
 * <p>Threads: decisions on the single "ws-executor-host" thread; execution and verification on
 * virtual threads; results are published from there.
 */
public final class ExecutorHost implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExecutorHost.class);
  private static final int MAX_ERROR = 500;

  /** One executor and its live load. */
  public static final class Slot {
    final Executor executor;
    final String id;
    final AtomicInteger running = new AtomicInteger();

    Slot(Executor executor, String nodeId) {
      this.executor = executor;
      this.id = nodeId + "/" + executor.name();
    }

    public String id() {
      return id;
    }

    public Executor executor() {
      return executor;
    }

    public int running() {
      return running.get();
    }
  }

  private final NodeLog nodeLog;
  private final TaskTracker tracker;
  private final Clock clock;
  private final KeyPair key;
  private final List<Slot> slots = new ArrayList<>();
  private final ScheduledExecutorService loop;
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  /** Steps already taken per task (claims, executions, votes), so nothing is done twice. */
  private final Map<String, Set<String>> done = new HashMap<>();
  /** Fast tasks of this node an own executor is running directly; the coordinator assigns no bids meanwhile. */
  private final Set<String> reserved;
  /** Direct runs that fell back to a claim: that claim must not start the executor a second time. */
  private final Set<String> ranDirectly = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private int rotor;
  private volatile boolean closed;

  public ExecutorHost(NodeLog nodeLog, TaskTracker tracker, Clock clock, KeyPair key, List<Executor> executors, long tickMs) {
    this(nodeLog, tracker, clock, key, executors, tickMs, java.util.concurrent.ConcurrentHashMap.newKeySet());
  }

  /** @param reserved shared with the coordinator: fast tasks an own executor is running directly */
  public ExecutorHost(NodeLog nodeLog, TaskTracker tracker, Clock clock, KeyPair key, List<Executor> executors, long tickMs,
      Set<String> reserved) {
    this.reserved = reserved;
    this.nodeLog = nodeLog;
    this.tracker = tracker;
    this.clock = clock;
    this.key = key;
    Set<String> names = new HashSet<>();
    for (Executor e : executors) {
      if (!names.add(e.name())) throw new IllegalArgumentException("two executors are named '" + e.name() + "'");
      slots.add(new Slot(e, key.id().toString()));
    }
    this.loop = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("ws-executor-host").daemon(true).unstarted(r));
    if (!slots.isEmpty()) {
      tracker.subscribe(c -> loop.execute(() -> safely(() -> react(c.after()))));
      loop.scheduleWithFixedDelay(() -> safely(this::tick), 0, tickMs, TimeUnit.MILLISECONDS);
    }
  }

  public List<Slot> slots() {
    return List.copyOf(slots);
  }

  /** Which offered tasks an executor takes beyond capability and capacity (the economy's mission policy). */
  public interface TakePolicy {
    boolean mayTake(TaskState task, Slot slot);
  }

  private volatile TakePolicy takePolicy = (t, s) -> true;
  /** An executor's agent (name or id) to that agent's account id, or null when no such agent runs here. */
  private volatile java.util.function.Function<String, String> agentAccounts = a -> null;

  /** How to find the account of the agent an executor works for (set by the economy, which knows the agents). */
  public void agentAccounts(java.util.function.Function<String, String> f) {
    this.agentAccounts = f;
  }

  /** The account a result of {@code slot} asks to be paid into, or null for this node's own. */
  private String payee(Slot slot) {
    String agent = slot.executor.agent();
    if (agent == null) return null;
    String account = agentAccounts.apply(agent);
    if (account == null) log.warn("executor {} works for agent '{}', which does not run on this node; its results pay the node", slot.id, agent);
    return account;
  }

  public void takePolicy(TakePolicy p) {
    this.takePolicy = p;
  }

  private void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.warn("executor host step failed", e);
    }
  }

  /**
   * Time-driven steps only: retries that opened and reveal windows that opened (from
   * {@link DueTimes}, so long-lived tasks cost nothing until their time), and, when an executor
   * freed capacity, work no executor had room for when it was offered. Everything else reacts to
   * changes. The first tick after a start looks at every task, to resume what a previous run left.
   */
  void tick() {
    long now = clock.millis();
    List<TaskState> due = new ArrayList<>();
    if (firstTick || capacityFreed) {
      capacityFreed = false;
      for (TaskState s : tracker.liveTasks()) if (firstTick || waiting(s)) due.add(s);
    }
    for (String id : dues.pollDue(now)) {
      TaskState s = tracker.live(id);
      if (s != null) due.add(s);
    }
    for (TaskState s : due) react(s);
    firstTick = false;
  }

  private boolean firstTick = true;
  private volatile boolean capacityFreed;
  private final DueTimes dues = new DueTimes();

  /** A task one of our executors could still take: worth a look when capacity frees. */
  private boolean waiting(TaskState s) {
    boolean open = s.phase() == TaskPhase.OPEN || s.phase() == TaskPhase.RETRY_WAIT
        || (s.phase() == TaskPhase.CLAIMED && s.claims().size() < s.spec().executors());
    if (!open || !s.spec().mayExecute(key.id().toString())) return false;
    String cap = s.spec().capability();
    for (Slot slot : slots) if (cap.isEmpty() || slot.executor.capabilities().contains(cap)) return true;
    return false;
  }

  private void react(TaskState s) {
    if (closed) return;
    if (s.phase().terminal()) {
      done.remove(s.taskId());
      dues.forget(s.taskId());
      ranDirectly.removeIf(k -> k.startsWith(s.taskId() + "|"));
      return;
    }
    long now = clock.millis();
    if (s.phase() == TaskPhase.RETRY_WAIT) dues.schedule(s.taskId(), DueTimes.nextAfter(now, s.notBeforeMs() - 1));
    else if (s.phase() == TaskPhase.VOTING) dues.schedule(s.taskId(), DueTimes.nextAfter(now, s.commitDeadlineMs()));
    else dues.forget(s.taskId());
    boolean claimable = s.phase() == TaskPhase.OPEN || (s.phase() == TaskPhase.RETRY_WAIT && now >= s.notBeforeMs())
        || (s.phase() == TaskPhase.CLAIMED && s.claims().size() < s.spec().executors());
    if (claimable && now <= s.expiresAtMs()) claim(s);
    for (Slot slot : slots) {
      if (s.phase() == TaskPhase.CLAIMED && s.claims().containsKey(slot.id) && !s.candidates().containsKey(slot.id)) {
        // keyed by the claim's lease, so a fresh claim after a restart or release runs again
        boolean fellBack = ranDirectly.contains(s.taskId() + "|" + s.attempt() + "|" + slot.id);
        if (!fellBack && once(s, "run:" + slot.id + "@" + s.claims().get(slot.id))) run(s, slot);
      }
      if (!s.candidates().containsKey(slot.id)) continue;
      if (s.phase() == TaskPhase.VOTING && !s.commits().containsKey(slot.id) && once(s, "vote:" + slot.id)) {
        vote(s, slot);
      }
      boolean revealOpen = s.phase() == TaskPhase.REVEALING || (s.phase() == TaskPhase.VOTING && now > s.commitDeadlineMs());
      if (revealOpen && s.commits().containsKey(slot.id) && !s.reveals().containsKey(slot.id) && once(s, "reveal:" + slot.id)) {
        reveal(s, slot);
      }
    }
  }

  private boolean once(TaskState s, String step) {
    return done.computeIfAbsent(s.taskId(), k -> new HashSet<>()).add(s.attempt() + "|" + step);
  }

  /**
   * On a task this node coordinates, a claim takes a slot; on anyone else's it is a bid, and the
   * executor runs once the coordinator assigns it a slot. Claims and bids sent but not yet seen in
   * the log still count, so ticks do not over-claim; with one vote per node this node asks for at
   * most one slot whatever number of executors it runs.
   */
  private void claim(TaskState s) {
    // a hive's task is offered to its members only (the state machine would refuse anyone else's claim)
    if (!s.spec().mayExecute(key.id().toString())) return;
    boolean own = s.coordinator().equals(key.id().toString());
    Set<String> steps = done.getOrDefault(s.taskId(), Set.of());
    int mine = 0;
    for (Slot slot : slots) {
      if (s.claims().containsKey(slot.id) || s.bids().containsKey(slot.id) || steps.contains(s.attempt() + "|claim:" + slot.id)) mine++;
    }
    int free = s.spec().executors() - s.claims().size();
    if (!own) free = s.spec().executors(); // bids do not take slots; the coordinator picks among them
    if (s.spec().votePer() == TaskSpec.VotePer.NODE) free = Math.min(free, 1);
    free -= own ? pendingClaims(s, steps) : mine;
    String cap = s.spec().capability();
    for (int i = 0; i < slots.size() && free > 0; i++) {
      Slot slot = slots.get((rotor + i) % slots.size());
      if (s.claims().containsKey(slot.id) || s.bids().containsKey(slot.id)) continue;
      if (!cap.isEmpty() && !slot.executor.capabilities().contains(cap)) continue;
      if (slot.running.get() >= slot.executor.maxConcurrent()) continue;
      if (!takePolicy.mayTake(s, slot)) continue;
      if (!once(s, "claim:" + slot.id)) continue;
      if (own && s.spec().profile() == Profile.FAST && reserved.add(s.taskId())) {
        run(s, slot, true);
        free--;
        continue;
      }
      publish(s, TaskEventTypes.CLAIMED, claimPayload(slot));
      free--;
    }
    rotor = (rotor + 1) % Math.max(1, slots.size());
  }

  /** Own claims published but not yet applied: on a one-vote-per-node task, any own slot counts. */
  private int pendingClaims(TaskState s, Set<String> steps) {
    int n = 0;
    boolean perNode = s.spec().votePer() == TaskSpec.VotePer.NODE;
    for (Slot slot : slots) {
      boolean sent = steps.contains(s.attempt() + "|claim:" + slot.id);
      if ((sent && !s.claims().containsKey(slot.id)) || (perNode && s.claims().containsKey(slot.id))) n++;
    }
    return n;
  }

  private void run(TaskState s, Slot slot) {
    run(s, slot, false);
  }

  /**
   * How long a direct run may stay invisible: a run that takes longer claims its slot, so the
   * operator sees who is working on the task, and finishes on the ordinary path.
   */
  static final long DIRECT_WINDOW_MS = 250;

  /**
   * Executes on a virtual thread within the lease. {@code direct}: a fast task this node
   * coordinates, run before any claim, so that a quick result is one signed {@code task.finalized}
   * carrying the output, standing for claim, candidate and finalization (half the signatures of
   * the four-event path). A direct run that outlasts {@link #DIRECT_WINDOW_MS} or fails claims its
   * slot first and then goes on as an ordinary run (candidate, error, or a lapsing lease).
   */
  private void run(TaskState s, Slot slot, boolean direct) {
    slot.running.incrementAndGet();
    TaskRequest req = TaskRequest.of(s);
    long budget = direct ? s.spec().leaseMs() : Math.max(1, s.claims().get(slot.id) - clock.millis());
    String runKey = s.taskId() + "|" + s.attempt() + "|" + slot.id;
    workers.execute(() -> {
      boolean quiet = direct; // no claim published yet
      try {
        Future<JsonNode> f = workers.submit(() -> slot.executor.execute(req));
        JsonNode out;
        try {
          if (quiet) {
            try {
              out = f.get(Math.min(budget, DIRECT_WINDOW_MS), TimeUnit.MILLISECONDS);
            } catch (TimeoutException slow) {
              quiet = false;
              claimRun(s, slot, runKey);
              out = f.get(Math.max(1, budget - DIRECT_WINDOW_MS), TimeUnit.MILLISECONDS);
            }
          } else {
            out = f.get(budget, TimeUnit.MILLISECONDS);
          }
        } catch (TimeoutException hung) {
          // say nothing: the lease runs out and the coordinator takes the work back
          f.cancel(true);
          log.info("executor {} did not finish task {} within its lease", slot.id, s.taskId());
          return;
        } catch (java.util.concurrent.ExecutionException e) {
          if (quiet) claimRun(s, slot, runKey);
          error(s, slot, e.getCause() == null ? e : e.getCause());
          return;
        }
        if (out == null || !out.isObject() || out.isEmpty()) {
          if (quiet) claimRun(s, slot, runKey);
          error(s, slot, new IllegalStateException("returned garbage (an output must be a non-empty JSON object): "
              + (out == null ? "null" : abbreviate(CanonicalJson.encodeString(out)))));
          return;
        }
        ObjectNode p = CanonicalJson.object().put("executor", slot.id).put("candidate_hash", Votes.candidateHash(out));
        p.set("output", out);
        String payee = payee(slot);
        if (payee != null) p.put("payee", payee);
        publish(s, quiet ? TaskEventTypes.FINALIZED : TaskEventTypes.CANDIDATE_PROPOSED, p);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        if (quiet) claimRun(s, slot, runKey);
        error(s, slot, e);
      } finally {
        if (direct) reserved.remove(s.taskId());
        slot.running.decrementAndGet();
        capacityFreed = true;
      }
    });
  }

  /** A direct run claims the slot it is using; that claim must not start the executor a second time. */
  private void claimRun(TaskState s, Slot slot, String runKey) {
    ranDirectly.add(runKey);
    publish(s, TaskEventTypes.CLAIMED, claimPayload(slot));
  }

  /** A claim (or bid) for {@code slot}: its executor id and, sorted, what it can do. */
  private static ObjectNode claimPayload(Slot slot) {
    ObjectNode p = CanonicalJson.object().put("executor", slot.id);
    var caps = p.putArray("capabilities");
    slot.executor.capabilities().stream().sorted().forEach(caps::add);
    return p;
  }

  private void error(TaskState s, Slot slot, Throwable t) {
    String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    ObjectNode p = CanonicalJson.object().put("executor", slot.id).put("message", abbreviate(msg));
    publish(s, TaskEventTypes.ERROR, p);
  }

  /** Verifies every distinct candidate, then commits to the best one it verified. */
  private void vote(TaskState s, Slot slot) {
    TaskRequest req = TaskRequest.of(s);
    Map<String, JsonNode> byHash = new LinkedHashMap<>();
    Map<String, Integer> support = new HashMap<>();
    for (TaskState.Candidate c : s.candidates().values()) {
      byHash.putIfAbsent(c.hash(), c.output());
      support.merge(c.hash(), 1, Integer::sum);
    }
    String own = s.candidates().get(slot.id).hash();
    workers.execute(() -> {
      String choice = own;
      int best = -1;
      for (var e : byHash.entrySet()) {
        String verdict;
        String reason;
        if (e.getKey().equals(own)) {
          verdict = "passed";
          reason = "own candidate";
        } else {
          try {
            Executor.Verdict v = slot.executor.verify(req, e.getValue());
            verdict = v.verdict();
            reason = v.reason();
          } catch (Exception ex) {
            verdict = "inconclusive";
            reason = "verification failed: " + ex.getMessage();
          }
          ObjectNode p = CanonicalJson.object().put("verifier", slot.id).put("candidate_hash", e.getKey())
              .put("verdict", verdict).put("reason", abbreviate(String.valueOf(reason)));
          publish(s, TaskEventTypes.VERIFIER_RESULT, p);
        }
        int weight = support.get(e.getKey()) * 2 + (e.getKey().equals(own) ? 1 : 0);
        if (verdict.equals("passed") && weight > best) {
          best = weight;
          choice = e.getKey();
        }
      }
      ObjectNode p = CanonicalJson.object().put("voter", slot.id).put("commit", Votes.commitment(choice, salt(s, slot)));
      publish(s, TaskEventTypes.VOTE_COMMITTED, p);
    });
  }

  private void reveal(TaskState s, Slot slot) {
    String salt = salt(s, slot);
    String commit = s.commits().get(slot.id);
    for (TaskState.Candidate c : s.candidates().values()) {
      if (Votes.commitment(c.hash(), salt).equals(commit)) {
        ObjectNode p = CanonicalJson.object().put("voter", slot.id).put("candidate_hash", c.hash()).put("salt", salt);
        publish(s, TaskEventTypes.VOTE_REVEALED, p);
        return;
      }
    }
    log.warn("cannot reconstruct the vote of {} on task {}", slot.id, s.taskId());
  }

  private String salt(TaskState s, Slot slot) {
    byte[] msg = ("wattswarm-vote-salt|" + s.taskId() + "|" + s.attempt() + "|" + slot.id).getBytes(StandardCharsets.UTF_8);
    return Hashes.hex(Hashes.sha256(key.sign(msg))).substring(0, 32);
  }

  private void publish(TaskState s, String type, ObjectNode payload) {
    if (closed) return;
    nodeLog.publishAsync(s.spec().scope(), EventKind.EVENTS, type, s.taskId(), payload).exceptionally(e -> {
      if (!closed) log.warn("publishing {} for task {} failed: {}", type, s.taskId(), e.getMessage());
      return null;
    });
  }

  private static String abbreviate(String s) {
    return s.length() <= MAX_ERROR ? s : s.substring(0, MAX_ERROR) + "…";
  }

  @Override
  public void close() {
    closed = true;
    loop.shutdownNow();
    workers.shutdownNow();
    try {
      loop.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
