package dev.wattswarm.node.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.task.Profile;
import dev.wattswarm.kernel.task.TaskEventTypes;
import dev.wattswarm.kernel.task.TaskPhase;
import dev.wattswarm.kernel.task.TaskSpec;
import dev.wattswarm.kernel.task.TaskState;
import dev.wattswarm.kernel.task.Votes;
import dev.wattswarm.node.log.NodeLog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the tasks this node created: assigns slots to bidders on other nodes, finalizes fast tasks
 * on their first candidate, commits the
 * decision and finalizes when a quorum of revealed votes agrees, releases expired leases, closes
 * vote rounds at their deadlines, schedules retries with backoff, and fails or expires a task
 * when the rules say so. It holds no state the log does not: after a restart the tracker reloads
 * the live tasks and the first tick re-arms every timer.
 *
 * <p>Thread: everything runs on the single "ws-coordinator" thread; the tracker hands changes
 * over, and a tick every {@code tickMs} looks only at the tasks whose next deadline has come
 * ({@link DueTimes}).
 */
public final class TaskCoordinator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TaskCoordinator.class);

  private final NodeLog nodeLog;
  private final TaskTracker tracker;
  private final Clock clock;
  private final String me;
  private final ScheduledExecutorService loop;
  /** Actions already published per task, so a change seen twice does not publish twice. */
  private final Map<String, Set<String>> acted = new HashMap<>();

  /** Fast tasks an own executor is running directly (see ExecutorHost): no bid is assigned meanwhile. */
  private final Set<String> reserved;

  public TaskCoordinator(NodeLog nodeLog, TaskTracker tracker, Clock clock, long tickMs, Set<String> reserved) {
    this.reserved = reserved;
    this.nodeLog = nodeLog;
    this.tracker = tracker;
    this.clock = clock;
    this.me = nodeLog.nodeId().toString();
    this.loop = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("ws-coordinator").daemon(true).unstarted(r));
    tracker.subscribe(c -> loop.execute(() -> safely(() -> onChange(c))));
    loop.scheduleWithFixedDelay(() -> safely(this::tick), 0, tickMs, TimeUnit.MILLISECONDS);
  }

  private void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.warn("coordinator step failed", e);
    }
  }

  private void onChange(TaskTracker.Change c) {
    TaskState s = c.after();
    if (s.phase().terminal()) {
      acted.remove(s.taskId());
      dues.forget(s.taskId());
      return;
    }
    dues.schedule(s.taskId(), nextDue(s));
    if (!me.equals(s.coordinator())) return;
    var e = c.event();
    if (e.type().equals(TaskEventTypes.ERROR)) {
      // an executor's error is only recorded by the log; answering it (a retry, bounded by
      // max_retries) is the coordinator's signed decision
      String ex = CanonicalJson.parse(e.payload()).path("executor").asText("");
      if (s.claims().containsKey(ex) && !s.candidates().containsKey(ex)) {
        failAttempt(s, "executor failed: " + s.lastError());
        return;
      }
    }
    react(s);
  }

  /** Timers: runs on every tick over all live tasks this node coordinates, and sweeps the rest. */
  void tick() {
    long now = clock.millis();
    List<TaskState> due = new ArrayList<>();
    if (firstTick) {
      due.addAll(tracker.liveTasks());
    } else {
      for (String id : dues.pollDue(now)) {
        TaskState s = tracker.live(id);
        if (s != null) due.add(s);
      }
    }
    for (TaskState s : due) {
      dues.schedule(s.taskId(), nextDue(s));
      if (!me.equals(s.coordinator())) {
        sweep(s, now);
        continue;
      }
      if (now > s.expiresAtMs()) {
        act(s, "expire", TaskEventTypes.EXPIRED, reason("not finished within expires_in_ms (" + s.spec().expiresInMs() + " ms)"));
        continue;
      }
      switch (s.phase()) {
        case CLAIMED -> {
          // A lapsed lease costs the attempt: re-offering only that slot could loop forever on an
          // executor that always hangs, while a retry is bounded by max_retries.
          String lapsed = null;
          for (var claim : s.claims().entrySet()) {
            if (now > claim.getValue()) {
              ObjectNode p = reason("lease expired");
              p.put("executor", claim.getKey());
              act(s, "release:" + claim.getKey(), TaskEventTypes.RELEASED, p);
              lapsed = claim.getKey();
            }
          }
          if (lapsed == null) {
            // nothing to wait for
          } else if (!s.candidates().containsKey(lapsed)) {
            failAttempt(s, "the lease of " + lapsed + " expired before its result arrived");
          } else {
            failAttempt(s, "only " + s.claims().size() + " of " + s.spec().executors() + " slots were filled before the lease ran out"
                + (s.spec().votePer() == TaskSpec.VotePer.NODE ? " (one vote per node: the quorum needs "
                    + s.spec().executors() + " distinct nodes with a capable executor)" : ""));
          }
        }
        case VOTING -> {
          if (now > s.commitDeadlineMs() && s.commits().size() < s.spec().threshold()) {
            failAttempt(s, "only " + s.commits().size() + " of " + s.candidates().size() + " votes were committed in time");
          } else if (now > s.revealDeadlineMs()) {
            failAttempt(s, "no quorum by the reveal deadline; revealed " + s.tally());
          }
        }
        case REVEALING -> {
          if (now > s.revealDeadlineMs()) failAttempt(s, "no quorum by the reveal deadline; revealed " + s.tally());
        }
        case RETRY_WAIT -> {
          if (now >= s.notBeforeMs() && !s.bids().isEmpty()) react(s);
        }
        default -> {}
      }
      // changes drive reactions; a full pass is needed once, to pick up where a previous run stopped
      if (firstTick) react(s);
    }
    firstTick = false;
  }

  /**
   * A task whose coordinator is gone must still end, and end the same way everywhere: once the
   * sweep grace after its expiry has passed, any node may expire it. Nodes wait a stagger derived
   * from their id, so usually one of them does it and the others see it done.
   */
  private void sweep(TaskState s, long now) {
    if (now < sweepAt(s)) return;
    java.util.function.LongSupplier lead = sweepLeader;
    long term = lead == null ? -1 : lead.getAsLong();
    if (term > 0) {
      // fenced: the term is read at the moment of acting, so a leader whose lease ran out does not sweep as leader
      act(s, "sweep", TaskEventTypes.EXPIRED, reason("coordinator did not finish or expire the task; swept by " + me
          + " as swarm leader in term " + term));
    } else if (lead == null || now >= sweepAt(s) + s.spec().sweepGraceMs()) {
      act(s, "sweep", TaskEventTypes.EXPIRED, reason("coordinator did not finish or expire the task; swept by " + me));
    }
  }

  /**
   * With a swarm leader, the leader sweeps tasks whose coordinator is gone as soon as the grace
   * has passed; other nodes only a grace later, in case there is no leader just then.
   *
   * @param heldTerm this node's leader term while it holds the lease, else -1
   */
  public void sweepLeader(java.util.function.LongSupplier heldTerm) {
    this.sweepLeader = heldTerm;
  }

  private volatile java.util.function.LongSupplier sweepLeader;

  /** When this node may sweep {@code s}: the grace after expiry, plus this node's stagger (none for the leader). */
  private long sweepAt(TaskState s) {
    long grace = s.spec().sweepGraceMs();
    java.util.function.LongSupplier lead = sweepLeader;
    if (lead != null && lead.getAsLong() > 0) return s.expiresAtMs() + grace;
    return s.expiresAtMs() + grace + Math.floorMod((me + s.taskId()).hashCode(), grace);
  }

  private boolean firstTick = true;
  private final DueTimes dues = new DueTimes();

  /** The next moment time alone changes what this node should do about {@code s}. */
  private long nextDue(TaskState s) {
    long now = clock.millis();
    if (!me.equals(s.coordinator())) return DueTimes.nextAfter(now, sweepAt(s), sweepAt(s) + s.spec().sweepGraceMs());
    long lease = Long.MAX_VALUE;
    for (long l : s.claims().values()) lease = Math.min(lease, l);
    return DueTimes.nextAfter(now, s.expiresAtMs(), lease, s.commitDeadlineMs(), s.revealDeadlineMs(), s.notBeforeMs() - 1);
  }

  private void react(TaskState s) {
    assignBids(s);
    switch (s.phase()) {
      case CLAIMED -> {
        if (s.spec().profile() == Profile.FAST && !s.candidates().isEmpty()) {
          // fast profile: one claim, so the first candidate is the only one
          var first = s.candidates().values().iterator().next();
          act(s, "finalize", TaskEventTypes.FINALIZED, hash(first.hash()));
        }
      }
      case VOTING, REVEALING -> {
        String best = null;
        int votes = 0;
        for (var e : s.tally().entrySet()) {
          if (e.getValue() > votes) {
            best = e.getKey();
            votes = e.getValue();
          }
        }
        if (best != null && votes >= s.spec().threshold()) {
          act(s, "decide", TaskEventTypes.DECISION_COMMITTED, hash(best).put("votes", votes));
        } else if (s.phase() == TaskPhase.REVEALING && s.reveals().size() == s.candidates().size()) {
          failAttempt(s, "votes split without a quorum: " + s.tally());
        }
      }
      case DECIDED -> act(s, "finalize", TaskEventTypes.FINALIZED, hash(s.decision()));
      default -> {}
    }
  }

  /**
   * Gives free slots to executors on other nodes that bid, earliest bid first, at most one slot
   * per node when the task counts one vote per node. Assignments published but not yet in the log
   * still hold their slot, so a burst of bids is not over-assigned.
   */
  private void assignBids(TaskState s) {
    boolean open = s.phase() == TaskPhase.OPEN || s.phase() == TaskPhase.CLAIMED
        || (s.phase() == TaskPhase.RETRY_WAIT && clock.millis() >= s.notBeforeMs());
    if (!open || s.bids().isEmpty() || reserved.contains(s.taskId())) return;
    Set<String> steps = acted.getOrDefault(s.taskId(), Set.of());
    String prefix = s.attempt() + "|assign:";
    Set<String> holders = new HashSet<>(s.claims().keySet());
    for (String step : steps) if (step.startsWith(prefix)) holders.add(step.substring(prefix.length()));
    int free = s.spec().executors() - holders.size();
    boolean perNode = s.spec().votePer() == TaskSpec.VotePer.NODE;
    Set<String> nodes = new HashSet<>();
    for (String h : holders) nodes.add(Votes.nodeOf(h));
    var bids = new java.util.ArrayList<>(s.bids().entrySet());
    bids.sort(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
    for (var bid : bids) {
      if (free <= 0) break;
      String ex = bid.getKey();
      if (holders.contains(ex) || (perNode && nodes.contains(Votes.nodeOf(ex)))) continue;
      act(s, "assign:" + ex, TaskEventTypes.ASSIGNED, CanonicalJson.object().put("executor", ex));
      holders.add(ex);
      nodes.add(Votes.nodeOf(ex));
      free--;
    }
  }

  private void failAttempt(TaskState s, String why) {
    if (s.attempt() <= s.spec().maxRetries()) {
      long backoff = Math.min(5_000, 200L << Math.min(10, s.attempt() - 1));
      ObjectNode p = reason(why);
      p.put("attempt", s.attempt() + 1).put("not_before_ms", clock.millis() + backoff);
      act(s, "retry", TaskEventTypes.RETRY_SCHEDULED, p);
    } else {
      ObjectNode p = CanonicalJson.object();
      p.put("terminal", true).put("message", why + " (after " + s.attempt() + " attempt" + (s.attempt() == 1 ? "" : "s") + ")");
      act(s, "fail", TaskEventTypes.ERROR, p);
    }
  }

  private void act(TaskState s, String action, String type, ObjectNode payload) {
    String key = s.attempt() + "|" + action;
    if (!acted.computeIfAbsent(s.taskId(), k -> new HashSet<>()).add(key)) return;
    nodeLog.publishAsync(s.spec().scope(), EventKind.EVENTS, type, s.taskId(), payload).exceptionally(e -> {
      log.warn("publishing {} for task {} failed: {}", type, s.taskId(), e.getMessage());
      loop.execute(() -> {
        Set<String> done = acted.get(s.taskId());
        if (done != null) done.remove(key);
        dues.schedule(s.taskId(), clock.millis() + 1_000); // try again
      });
      return null;
    });
  }

  private static ObjectNode reason(String why) {
    return CanonicalJson.object().put("reason", why);
  }

  private static ObjectNode hash(String h) {
    return CanonicalJson.object().put("candidate_hash", h);
  }

  @Override
  public void close() {
    loop.shutdownNow();
    try {
      loop.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
