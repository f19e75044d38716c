package dev.wattswarm.kernel.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventTypes;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.kernel.store.ProjectionDoc;
import dev.wattswarm.kernel.store.ProjectionTx;
import dev.wattswarm.kernel.task.SignedAuthors.Author;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A task's projected state is a function of the set of its events, whatever order they arrive in.
 *
 * <p>Each seed simulates one task among a coordinator and 2-5 executor nodes (some of them lying:
 * wrong answers, backdated Lamport clocks, claims for other nodes' executors, coordinator-only
 * facts, wrong salts), all as real events signed through {@link dev.wattswarm.kernel.event.EventSigner}
 * with Lamport clocks advanced by what each node had observed. The events are then delivered to a
 * {@link TaskProjector} in many orders that keep every lane in sequence (as the event store
 * guarantees), with duplicates, and the {@code task} and {@code task_log} documents must come out
 * byte for byte the same every time.
 *
 * <p>{@code -Dwattswarm.fold.seeds=N} runs N seeds (default 10,000), {@code -Dwattswarm.fold.seed=S}
 * only seed S, {@code -Dwattswarm.fold.orders=K} K delivery orders per seed (default 2, the first
 * being the reference; every fifth seed adds the emission order). Every failure names its seed. One seed in {@link #SIGN_EVERY} signs its events
 * for real (Ed25519 would otherwise take most of the run), {@code -Dwattswarm.fold.sign=true} every
 * seed; the others carry the same ids, lanes and clocks with a zero signature, which no projector
 * reads. A seed's events are the same either way.
 */
class TaskFoldPropertyTest {
  static final String TASK = "t-prop";
  static final long T0 = 1_700_000_000_000L;
  static final int SIGN_EVERY = 100;

  // ---------------------------------------------------------------- the property

  @Test
  void everyLaneRespectingDeliveryOrderProjectsTheSameDocuments() {
    String one = System.getProperty("wattswarm.fold.seed");
    int seeds = Integer.getInteger("wattswarm.fold.seeds", 10_000);
    int orders = Integer.getInteger("wattswarm.fold.orders", 2);
    long first = one != null ? Long.parseLong(one) : 1;
    long last = one != null ? first : seeds;
    boolean signAll = Boolean.getBoolean("wattswarm.fold.sign");
    Stats stats = new Stats();
    for (long seed = first; seed <= last; seed++) checkSeed(seed, orders, signAll || seed % SIGN_EVERY == 0, stats);
    // the generator must exercise what the property is about, or a pass means little
    if (one == null && seeds >= 1_000) {
      assertThat(stats.refolds).as("deliveries that forced a refold").isPositive();
      assertThat(stats.phases.keySet()).as("final phases reached").contains(TaskPhase.FINALIZED, TaskPhase.EXPIRED,
          TaskPhase.CANCELLED, TaskPhase.FAILED, TaskPhase.CLAIMED, TaskPhase.RETRY_WAIT);
      assertThat(stats.rejections).as("rejected facts").isGreaterThan(seeds);
      assertThat(stats.decided).as("quorum tasks finalized").isPositive();
    }
    System.out.printf("TaskFoldPropertyTest: seeds %d..%d, %d events, %d deliveries, %d refolds, phases %s%n", first, last,
        stats.events, stats.deliveries, stats.refolds, stats.phases);
  }

  /**
   * One author's facts on one task in two scopes are two lanes, and lanes arrive in either order:
   * the fold order is kept per lane and the fact outside the task's scope is refused, so the
   * state does not depend on which lane came first.
   */
  @Test
  void anAuthorsFactsOnOneTaskInTwoScopesFoldTheSameInEitherOrder() {
    Author coord = new Author(SignedAuthors.key(0)), liar = new Author(SignedAuthors.key(1));
    ObjectNode spec = CanonicalJson.object().put("task_id", TASK);
    spec.putObject("inputs").put("prompt", "x");
    Event created = coord.sign(TaskEventTypes.CREATED, TASK, spec, T0);
    liar.observe(created);
    String ex = liar.id + "/w1";
    Event inRegion = liar.sign(dev.wattswarm.kernel.event.Scope.parse("region:eu-1"), TaskEventTypes.CLAIMED, TASK,
        CanonicalJson.object().put("executor", ex), T0 + 100);
    Event inGlobal = liar.sign(TaskEventTypes.CLAIMED, TASK, CanonicalJson.object().put("executor", ex), T0 + 200);
    String a = deliver(List.of(created, inRegion, inGlobal)).dump();
    String b = deliver(List.of(created, inGlobal, inRegion)).dump();
    assertThat(b).isEqualTo(a);
    assertThat(a).contains("WRONG_SCOPE");
  }

  static final class Stats {
    long events, deliveries, refolds, rejections, decided;
    final Map<TaskPhase, Integer> phases = new EnumMap<>(TaskPhase.class);
  }

  static void checkSeed(long seed, int orders, boolean sign, Stats stats) {
    List<Event> events;
    try {
      events = new Scenario(new Random(seed), sign).run();
    } catch (RuntimeException | AssertionError e) {
      throw new AssertionError("seed " + seed + ": generating the events failed (reproduce with -Dwattswarm.fold.seed=" + seed + ")", e);
    }
    Random rnd = new Random(seed * 0x9E3779B97F4A7C15L + 1);
    // the first order is the reference: the lane whose next event has the highest clock goes first,
    // so most facts arrive before facts that sort ahead of them
    Delivery reference = deliver(highestClockFirst(events, rnd));
    String expected = reference.dump();
    ProjectionDoc taskDoc = reference.tx.docs.get(TaskProjector.NS + "\u0000" + TASK);
    ProjectionDoc logDoc = reference.tx.docs.get(TaskProjector.LOG_NS + "\u0000" + TASK);
    if (logDoc == null) fail(seed, "no task_log document", reference.order, null, null);
    // the stored document is the fold of the stored log, whatever mix of steps and refolds produced it
    TaskState folded = TaskFold.fold(TaskFactLog.decode(logDoc.doc()).entries());
    String foldedJson = folded == null ? null : CanonicalJson.encodeString(folded.toJson());
    String storedJson = taskDoc == null ? null : taskDoc.json();
    if (!java.util.Objects.equals(foldedJson, storedJson)) {
      fail(seed, "the task document is not the fold of its log", reference.order, foldedJson, storedJson);
    }
    if (taskDoc != null && !taskDoc.tag().equals(TaskProjector.state(taskDoc).phase().wire())) {
      fail(seed, "the task document's tag is not its state", reference.order, taskDoc.tag(), storedJson);
    }
    // then random interleavings of the lanes with duplicates, and on every fifth seed the emission
    // order too (what a node that saw everything live gets: nearly every fact goes last)
    int more = orders - 1 + (seed % 5 == 0 ? 1 : 0);
    for (int k = 1; k <= more; k++) {
      List<Event> order = k == orders ? events : randomInterleaving(events, rnd, 0.08);
      Delivery d = deliver(order);
      String actual = d.dump();
      if (!actual.equals(expected)) fail(seed, "delivery order " + k + " projects different documents", d.order, expected, actual);
      stats.deliveries += order.size();
    }
    stats.refolds += reference.refolds;
    stats.deliveries += reference.order.size();
    stats.events += events.size();
    if (taskDoc != null) {
      TaskState s = TaskProjector.state(taskDoc);
      stats.phases.merge(s.phase(), 1, Integer::sum);
      stats.rejections += s.rejections();
      if (s.phase() == TaskPhase.FINALIZED && s.spec().profile() == Profile.QUORUM) stats.decided++;
    }
  }

  static void fail(long seed, String what, List<Event> order, String expected, String actual) {
    StringBuilder sb = new StringBuilder();
    sb.append("seed ").append(seed).append(": ").append(what).append(" (reproduce with -Dwattswarm.fold.seed=").append(seed)
        .append(")\n  arrival order:");
    for (Event e : order) {
      sb.append("\n    ").append(e.type()).append(' ').append(e.taskId()).append(" by ")
          .append(e.author().toString(), 0, Math.min(16, e.author().toString().length())).append("… #").append(e.laneSeq())
          .append(" clock ").append(e.clock()).append(" at +").append(e.createdAtMs() - T0).append(' ').append(e.payloadJson());
    }
    sb.append("\n  expected: ").append(expected).append("\n  actual:   ").append(actual);
    throw new AssertionError(sb.toString());
  }

  // ---------------------------------------------------------------- delivery

  /** Projection documents in memory, as one store transaction sees them. */
  static final class MemTx implements ProjectionTx {
    final TreeMap<String, ProjectionDoc> docs = new TreeMap<>();

    @Override
    public Optional<ProjectionDoc> get(String namespace, String key) {
      return Optional.ofNullable(docs.get(namespace + "\u0000" + key));
    }

    @Override
    public void put(String namespace, String key, String tag, byte[] doc) {
      docs.put(namespace + "\u0000" + key, new ProjectionDoc(namespace, key, tag, doc.clone()));
    }

    @Override
    public void delete(String namespace, String key) {
      docs.remove(namespace + "\u0000" + key);
    }
  }

  record Delivery(List<Event> order, MemTx tx, int refolds) {
    String dump() {
      StringBuilder sb = new StringBuilder();
      tx.docs.values().forEach(d -> sb.append(d.namespace()).append(' ').append(d.key()).append(" [").append(d.tag())
          .append("] ").append(d.json()).append('\n'));
      return sb.toString();
    }
  }

  static Delivery deliver(List<Event> order) {
    MemTx tx = new MemTx();
    TaskProjector projector = new TaskProjector();
    int refolds = 0;
    long maxClock = 0;
    for (Event e : order) {
      projector.apply(e, tx);
      if (e.taskId().equals(TASK)) {
        if (e.clock() < maxClock) refolds++; // it sorts before a fact already in: the projector folds again
        maxClock = Math.max(maxClock, e.clock());
      }
    }
    return new Delivery(order, tx, refolds);
  }

  static Map<String, Deque<Event>> lanes(List<Event> events) {
    Map<String, Deque<Event>> lanes = new LinkedHashMap<>();
    for (Event e : events) lanes.computeIfAbsent(e.author() + "|" + e.scope(), k -> new ArrayDeque<>()).add(e);
    return lanes;
  }

  /** Lanes interleaved at random; with probability {@code dup} after each event, an earlier one comes again. */
  static List<Event> randomInterleaving(List<Event> events, Random rnd, double dup) {
    List<Deque<Event>> open = new ArrayList<>(lanes(events).values());
    List<Event> out = new ArrayList<>();
    while (!open.isEmpty()) {
      int i = rnd.nextInt(open.size());
      out.add(open.get(i).poll());
      if (open.get(i).isEmpty()) open.remove(i);
      if (rnd.nextDouble() < dup) out.add(out.get(rnd.nextInt(out.size())));
    }
    return out;
  }

  /** The lane whose next event has the highest clock goes first: late facts keep landing in the middle. */
  static List<Event> highestClockFirst(List<Event> events, Random rnd) {
    List<Deque<Event>> open = new ArrayList<>(lanes(events).values());
    Collections.shuffle(open, rnd);
    List<Event> out = new ArrayList<>();
    while (!open.isEmpty()) {
      int best = 0;
      for (int i = 1; i < open.size(); i++) if (open.get(i).peek().clock() > open.get(best).peek().clock()) best = i;
      out.add(open.get(best).poll());
      if (open.get(best).isEmpty()) open.remove(best);
    }
    out.add(out.get(rnd.nextInt(out.size()))); // and one duplicate
    return out;
  }

  // ---------------------------------------------------------------- the scenario

  /** One task's life among a coordinator and its executor nodes, as the events they sign. */
  static final class Scenario {
    final Random rnd;
    final List<Event> all = new ArrayList<>();
    final Node coord;
    final List<Node> workers = new ArrayList<>();
    final List<Node> nodes = new ArrayList<>();
    final Map<String, String[]> votes = new HashMap<>(); // voter -> {hash, salt}
    long t = T0;
    final Profile profile;
    final int slots;
    final long lease, voteWindow, revealWindow, expiresIn;
    final int maxRetries;
    final String onePer;
    final JsonNode good = CanonicalJson.object().put("answer", 42);
    final String goodHash = Votes.candidateHash(good);

    final class Node {
      final Author author;
      final boolean liar;
      final List<String> executors = new ArrayList<>();
      final BitSet seen = new BitSet();
      final TaskFactLog view = TaskFactLog.empty();

      Node(Author author, boolean liar) {
        this.author = author;
        this.liar = liar;
      }

      String id() {
        return author.id;
      }

      /** Receives some of what it has not seen, lane by lane in order (a lane stops at its first gap). */
      void catchUp(double p) {
        java.util.Set<String> blocked = new java.util.HashSet<>();
        for (int i = 0; i < all.size(); i++) {
          if (seen.get(i)) continue;
          Event e = all.get(i);
          String lane = e.author() + "|" + e.scope();
          if (blocked.contains(lane)) continue;
          if (rnd.nextDouble() < p) see(i);
          else blocked.add(lane);
        }
      }

      void see(int i) {
        Event e = all.get(i);
        if (seen.get(i)) return;
        seen.set(i);
        author.observe(e);
        if (e.taskId().equals(TASK)) view.insert(e, TaskFact.of(e));
      }

      void seeAll(String type) {
        for (int i = 0; i < all.size(); i++) if (all.get(i).type().equals(type)) see(i);
      }

      /** The task as this node currently sees it. */
      TaskState state() {
        if (stateOf != view.size()) {
          state = TaskFold.fold(view.entries());
          stateOf = view.size();
        }
        return state;
      }

      private TaskState state;
      private int stateOf = -1;

      Event emit(String type, JsonNode payload) {
        return emit(TASK, type, payload);
      }

      Event emit(String taskId, String type, JsonNode payload) {
        t += rnd.nextInt(40);
        Event e;
        if (liar && rnd.nextDouble() < 0.25) {
          // backdated: a clock below what it has seen, and a wall time that may lie too
          long clock = Math.max(1, author.lamport() - rnd.nextInt(12));
          e = author.forge(clock, type, taskId, payload, t - rnd.nextInt(300) + rnd.nextInt(300));
        } else {
          e = author.sign(type, taskId, payload, t);
        }
        all.add(e);
        see(all.size() - 1);
        return e;
      }
    }

    Scenario(Random rnd, boolean sign) {
      this.rnd = rnd;
      List<Integer> keys = new ArrayList<>();
      for (int i = 0; i < SignedAuthors.keyCount(); i++) keys.add(i);
      Collections.shuffle(keys, rnd);
      coord = new Node(new Author(SignedAuthors.key(keys.getFirst()), sign), false);
      coord.executors.add(coord.id() + "/local-1");
      coord.executors.add(coord.id() + "/local-2");
      nodes.add(coord);
      int n = 2 + (rnd.nextDouble() < 0.7 ? rnd.nextInt(2) : rnd.nextInt(4));
      for (int i = 0; i < n; i++) {
        Node w = new Node(new Author(SignedAuthors.key(keys.get(i + 1)), sign), rnd.nextDouble() < 0.3);
        int ex = 1 + rnd.nextInt(rnd.nextDouble() < 0.3 ? 3 : 1);
        for (int j = 1; j <= ex; j++) w.executors.add(w.id() + "/w" + j);
        workers.add(w);
        nodes.add(w);
      }
      profile = rnd.nextDouble() < 0.4 ? Profile.FAST : Profile.QUORUM;
      slots = profile == Profile.FAST ? 1 : 2 + rnd.nextInt(2);
      lease = 100 + rnd.nextInt(2_000);
      voteWindow = 50 + rnd.nextInt(400);
      revealWindow = 50 + rnd.nextInt(400);
      expiresIn = 500 + rnd.nextInt(5_000);
      maxRetries = rnd.nextInt(3);
      onePer = rnd.nextDouble() < 0.7 ? "node" : "executor";
    }

    boolean chance(double p) {
      return rnd.nextDouble() < p;
    }

    <T> T pick(List<T> list) {
      return list.get(rnd.nextInt(list.size()));
    }

    static ObjectNode obj() {
      return CanonicalJson.object();
    }

    JsonNode spec() {
      ObjectNode s = obj().put("task_id", TASK).put("profile", profile.wire());
      s.putObject("inputs").put("prompt", "what is six times seven?");
      if (profile == Profile.QUORUM) s.putObject("quorum").put("executors", slots);
      s.put("lease_ms", lease).put("vote_window_ms", voteWindow).put("reveal_window_ms", revealWindow)
          .put("expires_in_ms", expiresIn).put("max_retries", maxRetries);
      if (!onePer.equals("node") || chance(0.5)) s.put("one_vote_per", onePer); // "node" is also the default
      return s;
    }

    List<Event> run() {
      if (chance(0.05)) pick(workers).emit(TaskEventTypes.CLAIMED, obj().put("executor", pick(workers).executors.getFirst()));
      Event created = coord.emit(TaskEventTypes.CREATED, spec());
      if (chance(0.05)) coord.emit(TaskEventTypes.CREATED, spec()); // a second created: DUPLICATE_TASK
      for (Node w : workers) w.see(all.indexOf(created));
      for (int round = 0; round < 2; round++) {
        if (!round()) break;
      }
      noise();
      return all;
    }

    /** One attempt. @return whether the task goes on to another */
    boolean round() {
      // bids, and the coordinator's own claims
      for (Node w : workers) {
        w.catchUp(0.8);
        for (String ex : w.executors) {
          if (chance(0.6)) w.emit(TaskEventTypes.CLAIMED, obj().put("executor", ex));
          if (w.liar && chance(0.2)) w.emit(TaskEventTypes.CLAIMED, obj().put("executor", ex)); // again
        }
        if (w.liar && chance(0.2)) w.emit(TaskEventTypes.CLAIMED, obj().put("executor", pick(workers).executors.getFirst()));
      }
      if (chance(0.25)) coord.emit(TaskEventTypes.CLAIMED, obj().put("executor", coord.executors.get(0)));
      if (chance(0.1)) coord.emit(TaskEventTypes.CLAIMED, obj().put("executor", coord.executors.get(1)));
      // assignments, as the coordinator sees the bids
      coord.catchUp(0.85);
      TaskState s = coord.state();
      if (s == null) return false;
      if (s.phase() == TaskPhase.RETRY_WAIT && !chance(0.1)) t = Math.max(t, s.notBeforeMs());
      List<String> bidders = new ArrayList<>(s.bids().keySet());
      Collections.shuffle(bidders, rnd);
      for (String ex : bidders) {
        s = coord.state();
        boolean free = s.phase() == TaskPhase.OPEN || s.phase() == TaskPhase.RETRY_WAIT
            || (s.phase() == TaskPhase.CLAIMED && s.claims().size() < slots);
        if (free || chance(0.1)) coord.emit(TaskEventTypes.ASSIGNED, obj().put("executor", ex));
      }
      if (chance(0.1)) coord.emit(TaskEventTypes.ASSIGNED, obj().put("executor", pick(pick(workers).executors)));
      if (chance(0.05)) pick(workers).emit(TaskEventTypes.ASSIGNED, obj().put("executor", pick(pick(workers).executors)));
      // the work
      List<Node> everyone = new ArrayList<>(nodes);
      Collections.shuffle(everyone, rnd);
      for (Node w : everyone) {
        w.catchUp(0.9);
        w.seeAll(TaskEventTypes.ASSIGNED);
        TaskState v = w.state();
        if (v == null) continue;
        for (String ex : w.executors) {
          boolean mine = v.claims().containsKey(ex);
          if (!mine && !(w.liar && chance(0.2))) continue;
          if (chance(0.25)) w.emit(TaskEventTypes.LEASE_RENEWED, obj().put("executor", ex));
          if (chance(0.1)) w.emit(TaskEventTypes.ERROR, obj().put("executor", ex).put("message", "model timed out"));
          if (chance(0.85)) {
            JsonNode out = w.liar ? obj().put("answer", rnd.nextInt(3) == 0 ? 42 : 40 + rnd.nextInt(2)) : good;
            w.emit(TaskEventTypes.CANDIDATE_PROPOSED, obj().put("executor", ex).set("output", out));
          }
          if (chance(0.1)) w.emit(TaskEventTypes.CANDIDATE_PROPOSED, obj().put("executor", ex).set("output", good)); // again
        }
      }
      if (profile == Profile.QUORUM) vote();
      return decide();
    }

    void vote() {
      // verify and commit
      List<Node> voters = new ArrayList<>(nodes);
      Collections.shuffle(voters, rnd);
      for (Node w : voters) {
        w.catchUp(0.9);
        w.seeAll(TaskEventTypes.CANDIDATE_PROPOSED);
        TaskState v = w.state();
        if (v == null) continue;
        for (String ex : w.executors) {
          if (!v.candidates().containsKey(ex) && !(w.liar && chance(0.1))) continue;
          List<String> hashes = v.candidates().values().stream().map(TaskState.Candidate::hash).distinct().toList();
          if (hashes.isEmpty()) continue;
          if (chance(0.4)) {
            String h = pick(hashes);
            w.emit(TaskEventTypes.VERIFIER_RESULT, obj().put("verifier", ex).put("candidate_hash", h)
                .put("verdict", h.equals(goodHash) ? "passed" : pick(List.of("failed", "inconclusive", "passed"))));
          }
          if (chance(0.1)) w.emit(TaskEventTypes.EVIDENCE_ADDED, obj().put("executor", ex).put("candidate_hash", pick(hashes)));
          if (chance(0.08)) t += voteWindow; // late
          if (chance(0.9)) {
            String h = !w.liar && hashes.contains(goodHash) ? goodHash : v.candidates().getOrDefault(ex,
                v.candidates().values().iterator().next()).hash();
            String salt = "salt-" + rnd.nextInt(1_000_000);
            votes.put(ex, new String[] {h, salt});
            w.emit(TaskEventTypes.VOTE_COMMITTED, obj().put("voter", ex).put("commit", Votes.commitment(h, salt)));
          }
        }
      }
      if (chance(0.3)) t += voteWindow + 1; // reveals may open by the deadline rather than by every commit
      // reveal
      Collections.shuffle(voters, rnd);
      for (Node w : voters) {
        w.catchUp(0.9);
        w.seeAll(TaskEventTypes.VOTE_COMMITTED);
        for (String ex : w.executors) {
          String[] vote = votes.get(ex);
          if (vote == null || !chance(0.9)) continue;
          if (chance(0.05)) t += revealWindow; // late
          String salt = w.liar && chance(0.3) ? "not-" + vote[1] : vote[1];
          w.emit(TaskEventTypes.VOTE_REVEALED, obj().put("voter", ex).put("candidate_hash", vote[0]).put("salt", salt));
        }
      }
    }

    /** The coordinator ends the attempt. @return whether there is another */
    boolean decide() {
      coord.catchUp(0.9);
      TaskState s = coord.state();
      if (s == null || s.phase().terminal()) return false;
      if (profile == Profile.QUORUM && s.phase() == TaskPhase.REVEALING && !chance(0.1)) {
        String best = null;
        for (var e : s.tally().entrySet()) if (best == null || e.getValue() > s.tally().get(best)) best = e.getKey();
        if (chance(0.1)) coord.emit(TaskEventTypes.DECISION_COMMITTED, obj().put("candidate_hash", "0".repeat(64)));
        if (best != null && s.tally().get(best) >= s.spec().threshold()) {
          coord.emit(TaskEventTypes.DECISION_COMMITTED, obj().put("candidate_hash", best));
          if (chance(0.1)) coord.emit(TaskEventTypes.FINALIZED, obj().put("candidate_hash", "1".repeat(64)));
          if (chance(0.9)) {
            coord.emit(TaskEventTypes.FINALIZED, obj().put("candidate_hash", best));
            return false;
          }
        }
      }
      if (profile == Profile.FAST && s.phase() == TaskPhase.CLAIMED && !s.candidates().isEmpty() && !chance(0.1)) {
        if (chance(0.1)) coord.emit(TaskEventTypes.FINALIZED, obj().put("candidate_hash", "2".repeat(64)));
        coord.emit(TaskEventTypes.FINALIZED, obj().put("candidate_hash", s.candidates().values().iterator().next().hash()));
        return false;
      }
      if (chance(0.15) && !s.claims().isEmpty()) {
        coord.emit(TaskEventTypes.RELEASED, obj().put("executor", pick(new ArrayList<>(s.claims().keySet()))));
        return true; // another round of bids and assignments in the same attempt
      }
      if (chance(0.75)) {
        ObjectNode p = obj().put("attempt", s.attempt() + (chance(0.05) ? 2 : 1)).put("reason", "no agreement");
        if (chance(0.7)) p.put("not_before_ms", t + rnd.nextInt(300));
        coord.emit(TaskEventTypes.RETRY_SCHEDULED, p);
        return true;
      }
      switch (rnd.nextInt(3)) {
        case 0 -> coord.emit(TaskEventTypes.CANCELLED, obj().put("reason", "operator cancelled"));
        case 1 -> {
          t = Math.max(t, s.expiresAtMs());
          coord.emit(TaskEventTypes.EXPIRED, obj().put("reason", "deadline passed"));
        }
        default -> coord.emit(TaskEventTypes.ERROR, obj().put("terminal", true).put("message", "executors unreachable"));
      }
      return false;
    }

    /** What else reaches the log: late facts, sweeps, impostors, other tasks and other event types. */
    void noise() {
      if (chance(0.3)) {
        Node w = pick(workers);
        w.emit(TaskEventTypes.CANDIDATE_PROPOSED, obj().put("executor", w.executors.getFirst()).set("output", good));
        w.emit(TaskEventTypes.CLAIMED, obj().put("executor", w.executors.getLast()));
      }
      if (chance(0.35)) {
        // a sweep by another node, before or after the grace has run out
        Node w = pick(workers);
        w.catchUp(0.9);
        long due = T0 + expiresIn + Math.max(5_000, lease);
        t = Math.max(t, due + rnd.nextInt(400) - 200);
        w.emit(TaskEventTypes.EXPIRED, obj().put("reason", "swept"));
      }
      if (chance(0.2)) {
        Node liar = pick(workers);
        String type = pick(List.of(TaskEventTypes.DECISION_COMMITTED, TaskEventTypes.FINALIZED, TaskEventTypes.CANCELLED,
            TaskEventTypes.RETRY_SCHEDULED, TaskEventTypes.RELEASED));
        liar.emit(type, obj().put("candidate_hash", goodHash).put("attempt", 2).put("executor", liar.executors.getFirst()));
      }
      if (chance(0.15)) pick(workers).emit("t-other", TaskEventTypes.CLAIMED, obj().put("executor", "x/y"));
      if (chance(0.1)) {
        Node w = pick(nodes);
        t += 1;
        all.add(w.author.sign(EventTypes.NODE_STARTED, "", obj().put("text", "hello"), t));
      }
    }
  }
}
